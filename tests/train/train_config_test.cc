#include "arq/train/train_config.h"

#include <gtest/gtest.h>

namespace arq {
namespace {

TEST(TrainConfig, ResolvedTomlRoundTripsThroughTheSchema) {
  Config c = make_train_config();
  c.apply_override("optim.lr=0.000123");
  c.apply_override("local.widths=[7,8]");
  Config again = make_train_config();
  again.load_toml_string(c.to_toml(), "resolved.toml");
  EXPECT_EQ(again.to_toml(), c.to_toml());
  EXPECT_DOUBLE_EQ(again.get_double("optim.lr"), 0.000123);
}

TEST(TrainConfig, EveryPresetLoads) {
  for (const char* preset : {"arq-minatar.toml", "ad-minatar.toml", "dqn-minatar.toml",
                             "arq-minatar-cpu.toml", "ad-minatar-cpu.toml"}) {
    Config c = make_train_config();
    EXPECT_NO_THROW(c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/" + preset)) << preset;
  }
}

}  // namespace
}  // namespace arq
