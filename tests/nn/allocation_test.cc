// Steady-state training steps must not touch the heap. This binary interposes glibc's malloc
// family (forwarding to the real allocator) to count calls made while a counter is armed;
// Eigen's own buffers come from malloc, so they are counted too. Sanitizer builds bring their
// own allocator, so the test is skipped there.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>

#include "arq/core/isa.h"
#include "arq/nn/activation.h"
#include "arq/nn/adam.h"
#include "arq/nn/conv3x3.h"
#include "arq/nn/gemm_backends.h"
#include "arq/nn/layer_norm.h"
#include "arq/nn/linear.h"
#include "arq/nn/loss.h"
#include "arq/nn/rmsprop.h"
#include "arq/nn/sequential.h"
#include "gradient_check.h"

#include "malloc_counter.h"

namespace arq::nn {
namespace {

using testing::random_matrix;

class CountAllocations {
 public:
  CountAllocations() {
    allocations = 0;
    counting = true;
  }
  ~CountAllocations() { counting = false; }
  long count() const { return allocations.load(); }
};

TEST(Allocation, CounterSeesEigenAllocations) {
#if defined(ARQ_NO_MALLOC_COUNTING)
  GTEST_SKIP() << "malloc is not interposed in this build";
#else
  CountAllocations counter;
  const Matrix m = Matrix::Zero(50, 50);
  EXPECT_GE(counter.count(), 1);
#endif
}

TEST(Allocation, SteadyStateTrainingStepsDoNotAllocate) {
#if defined(ARQ_NO_MALLOC_COUNTING)
  GTEST_SKIP() << "malloc is not interposed in this build";
#else
  Rng rng(1);
  // MinAtar's DQN plus the layers of an AD/ARQ h-path, with big GEMMs for the packed kernel.
  Sequential dqn;
  dqn.add<Conv3x3>("conv", 10, 10, 4, 16).initialize(Init::kTorchDefault, rng);
  dqn.add<Relu>(1024);
  dqn.add<Linear>("fc_hidden", 1024, 128).initialize(Init::kTorchDefault, rng);
  dqn.add<Relu>(128);
  dqn.add<Linear>("output", 128, 3).initialize(Init::kTorchDefault, rng);
  Sequential cell;
  cell.add<Linear>("fc_h", 600, 400).initialize(Init::kLecunNormal, rng);
  cell.add<Relu>(400);
  cell.add<LayerNorm>("ln", 400);
  cell.add<Tanh>(400);
  CenteredRmsprop rmsprop(dqn.parameters(), RmspropOptions{});
  Adam adam(cell.parameters(), AdamOptions{.max_grad_norm = 1.0f});

  const Matrix observations = random_matrix(32, 400, rng), targets = random_matrix(32, 3, rng);
  const Matrix inputs = random_matrix(512, 600, rng), cell_targets = random_matrix(512, 400, rng);
  Matrix grad_q(32, 3), grad_h(512, 400);
  const auto train_step = [&]() {
    huber_loss(dqn.forward(observations), targets, grad_q);
    dqn.backward_parameters(observations, grad_q);
    rmsprop.step();
    dqn.forward(observations.topRows(1));  // acting at batch 1 in between
    mse_loss(cell.forward(inputs), cell_targets, grad_h);
    cell.backward(inputs, grad_h);
    adam.step();
  };
  // At every ISA level the CPU has (each level's kernels keep their own buffers).
  for (const IsaLevel level : all_isa_levels()) {
    if (!cpu_supports(level)) continue;
    const ScopedIsaLevel scoped(level);
    train_step();  // warm-up sizes every workspace
    CountAllocations counter;
    for (int i = 0; i < 3; ++i) train_step();
    EXPECT_EQ(counter.count(), 0) << "at " << isa_name(level);
  }
#endif
}

}  // namespace
}  // namespace arq::nn
