#pragma once
// Runs a test once per ISA level (arq::IsaLevel), through the same override as `nn.isa` and
// ARQ_ISA; levels this CPU lacks are skipped with the reason. Use:
//   class MyTest : public arq::test::AtEachIsaLevel {};
//   TEST_P(MyTest, ...) { ... }
//   ARQ_INSTANTIATE_AT_EACH_ISA_LEVEL(MyTest);
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "arq/core/isa.h"

namespace arq::test {

class AtEachIsaLevel : public testing::TestWithParam<IsaLevel> {
 protected:
  void SetUp() override {
    if (!cpu_supports(GetParam())) {
      GTEST_SKIP() << "this CPU lacks " << isa_name(GetParam()) << "; its kernels are not run";
    }
    level_.emplace(GetParam());
  }
  void TearDown() override { level_.reset(); }

 private:
  std::optional<ScopedIsaLevel> level_;
};

inline std::string isa_test_name(const testing::TestParamInfo<IsaLevel>& param_info) {
  return std::string(isa_name(param_info.param));
}

}  // namespace arq::test

#define ARQ_INSTANTIATE_AT_EACH_ISA_LEVEL(suite)                                         \
  INSTANTIATE_TEST_SUITE_P(IsaLevels, suite, testing::ValuesIn(::arq::all_isa_levels()), \
                           ::arq::test::isa_test_name)
