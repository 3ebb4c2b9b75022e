#pragma once
// Finite-difference checks of explicit backward passes. The scalar probed is
//   L = Σ r ⊙ forward(x)     for a fixed random r,
// so backward(x, r) must return dL/dx and write dL/dθ. Layers compute in float; L is summed in
// double and differentiated by central differences, whose O(step²) truncation error and
// float rounding (~1e-7·|L| / step) both stay well under the tolerance at step 1e-2.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "arq/nn/layer.h"
#include "arq/nn/rng.h"

namespace arq::nn::testing {

struct GradientCheckOptions {
  double step = 1e-2;
  double absolute_tolerance = 1e-3;
  double relative_tolerance = 1e-2;
};

inline Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, Rng& rng, double low = -1.0,
                            double high = 1.0) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    m.data()[i] = static_cast<float>(rng.uniform(low, high));
  }
  return m;
}

// Central difference of f with respect to *value, restoring it afterwards.
inline double central_difference(float* value, double step, const std::function<double()>& f) {
  const float saved = *value;
  *value = static_cast<float>(saved + step);
  const double plus = f();
  *value = static_cast<float>(saved - step);
  const double minus = f();
  *value = saved;
  return (plus - minus) / (2.0 * step);
}

inline void expect_close(double analytic, double numeric, const GradientCheckOptions& options,
                         const std::string& what) {
  EXPECT_LE(std::abs(analytic - numeric),
            options.absolute_tolerance + options.relative_tolerance * std::abs(numeric))
      << what << ": analytic " << analytic << " vs numeric " << numeric;
}

// Checks dL/dx (unless check_input is false) and every parameter gradient of `layer`.
inline void expect_gradients_match(Layer& layer, Matrix input, Rng& rng,
                                   const GradientCheckOptions& options = {},
                                   bool check_input = true) {
  const Matrix probe = random_matrix(input.rows(), layer.output_width(), rng);
  const auto objective = [&]() {
    return layer.forward(input).cast<double>().cwiseProduct(probe.cast<double>()).sum();
  };
  layer.forward(input);
  layer.backward(input, probe);
  // Twice: parameter gradients must be overwritten, not accumulated.
  const Matrix grad_input = layer.backward(input, probe);
  ParameterList parameters = layer.parameters();
  std::vector<Matrix> grads;
  for (const Parameter& p : parameters) grads.push_back(*p.grad);

  ASSERT_EQ(grad_input.rows(), input.rows());
  ASSERT_EQ(grad_input.cols(), input.cols());
  if (check_input) {
    for (Eigen::Index i = 0; i < input.size(); ++i) {
      const double numeric = central_difference(input.data() + i, options.step, objective);
      expect_close(grad_input.data()[i], numeric, options, "dL/dinput[" + std::to_string(i) + "]");
    }
  }
  for (size_t p = 0; p < parameters.size(); ++p) {
    Matrix& value = *parameters[p].value;
    for (Eigen::Index i = 0; i < value.size(); ++i) {
      const double numeric = central_difference(value.data() + i, options.step, objective);
      expect_close(grads[p].data()[i], numeric, options,
                   "dL/d" + parameters[p].name + "[" + std::to_string(i) + "]");
    }
  }
}

}  // namespace arq::nn::testing
