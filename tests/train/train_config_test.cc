#include "arq/train/train_config.h"

#include <gtest/gtest.h>

#include <tuple>

#include "arq/agents/local_agent.h"

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

// The presets build the cells the papers describe: plain AD never sees the action, ARQ does.
TEST(TrainConfig, PresetsSelectTheReleasedCells) {
  const EnvSpec breakout{"minatar/breakout-v1", {10, 10, 4}, 3, 0};
  for (const auto& [preset, kind, conditioned] :
       std::vector<std::tuple<std::string, local::CellKind, bool>>{
           {"arq-minatar.toml", local::CellKind::kArq, true},
           {"arq-minatar-cpu.toml", local::CellKind::kArq, true},
           {"ad-minatar.toml", local::CellKind::kAd, false},
           {"ad-minatar-cpu.toml", local::CellKind::kAd, false}}) {
    Config c = make_train_config();
    c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/" + preset);
    const auto options = local::local_agent_options_from_config(c, breakout);
    EXPECT_EQ(options.stack.cell.kind, kind) << preset;
    EXPECT_EQ(options.stack.cell.action_conditioning, conditioned) << preset;
  }
}

}  // namespace
}  // namespace arq
