// The ISA level: names, the override and its errors.
#include "arq/core/isa.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "arq/core/error.h"

namespace arq {
namespace {

TEST(Isa, NamesRoundTrip) {
  for (const IsaLevel level : all_isa_levels()) {
    EXPECT_EQ(parse_isa_level(isa_name(level)), level);
  }
  EXPECT_FALSE(parse_isa_level("sse2").has_value());
  EXPECT_EQ(isa_level_names(), "avx2 | avx512");
}

TEST(Isa, TheBaselineLevelIsAlwaysSupported) {
  // The build itself needs AVX2 + FMA (x86-64-v3), so a running test has them.
  EXPECT_TRUE(cpu_supports(IsaLevel::kAvx2));
  EXPECT_TRUE(cpu_supports(widest_supported_isa_level()));
}

TEST(Isa, SettingsApplyAndRestore) {
  const IsaLevel before = active_isa_level();
  {
    const ScopedIsaLevel scoped(IsaLevel::kAvx2);
    EXPECT_EQ(active_isa_level(), IsaLevel::kAvx2);
    const IsaLevel applied = apply_isa_setting("auto", "config nn.isa");
    EXPECT_EQ(applied, active_isa_level());
    if (std::getenv(kIsaEnvironmentVariable) == nullptr) {
      EXPECT_EQ(applied, widest_supported_isa_level());
    }
  }
  EXPECT_EQ(active_isa_level(), before);
}

TEST(Isa, UnknownLevelIsAClearError) {
  const IsaLevel before = active_isa_level();
  try {
    apply_isa_setting("avx1024", "config nn.isa");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("config nn.isa"), std::string::npos) << message;
    EXPECT_NE(message.find("'avx1024'"), std::string::npos) << message;
    EXPECT_NE(message.find("auto | avx2 | avx512"), std::string::npos) << message;
  }
  EXPECT_EQ(active_isa_level(), before);
}

TEST(Isa, ALevelTheCpuLacksIsAClearError) {
  for (const IsaLevel level : all_isa_levels()) {
    if (cpu_supports(level)) continue;
    try {
      set_isa_level(level, "config nn.isa");
      FAIL() << "expected an error for " << isa_name(level);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("this CPU lacks"), std::string::npos) << e.what();
    }
    return;
  }
  GTEST_SKIP() << "this CPU has every level (widest: " << isa_name(widest_supported_isa_level())
               << "), so none can be refused";
}

}  // namespace
}  // namespace arq
