#include "arq/train/train_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <tuple>
#include <vector>

#include "arq/agents/factory.h"
#include "arq/agents/local/local_agent.h"
#include "arq/core/error.h"

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

// The local agents' option structs keep defaults for library users (tests, Python); the config
// keys are the one declared source. Building the options from the default config must give the
// structs' own defaults, so the two cannot drift apart.
TEST(TrainConfig, LocalAgentStructDefaultsAreTheConfigDefaults) {
  Config c = make_train_config();
  c.set("run.agent", std::string("arq"), "test");
  const EnvSpec breakout{"minatar/breakout-v1", {10, 10, 4}, 3, 0};
  const local::LocalAgentOptions from_config = local::local_agent_options_from_config(c, breakout);
  const local::LocalAgentOptions defaults;

  const local::CellOptions& cell = from_config.stack.cell;
  const local::CellOptions cell_defaults;
  EXPECT_EQ(cell.kind, cell_defaults.kind);
  EXPECT_EQ(cell.heads, cell_defaults.heads);
  EXPECT_EQ(cell.goodness, cell_defaults.goodness);
  EXPECT_EQ(cell.action_code, cell_defaults.action_code);
  EXPECT_EQ(cell.action_conditioning, cell_defaults.action_conditioning);
  EXPECT_EQ(cell.norm_order, cell_defaults.norm_order);

  EXPECT_EQ(from_config.learner.gamma, defaults.learner.gamma);
  EXPECT_EQ(from_config.learner.double_q, defaults.learner.double_q);
  EXPECT_EQ(from_config.learner.loss, defaults.learner.loss);
  EXPECT_EQ(from_config.learner.threads, defaults.learner.threads);
  EXPECT_EQ(from_config.learner.adam.learning_rate, defaults.learner.adam.learning_rate);
  EXPECT_EQ(from_config.learner.adam.b1, defaults.learner.adam.b1);
  EXPECT_EQ(from_config.learner.adam.b2, defaults.learner.adam.b2);
  EXPECT_EQ(from_config.learner.adam.eps, defaults.learner.adam.eps);
  EXPECT_EQ(from_config.learner.adam.eps_root, defaults.learner.adam.eps_root);
  EXPECT_EQ(from_config.learner.adam.max_grad_norm, defaults.learner.adam.max_grad_norm);

  EXPECT_EQ(from_config.policy.q_layers, defaults.policy.q_layers);
  EXPECT_EQ(from_config.policy.stale_context_on_random_steps,
            defaults.policy.stale_context_on_random_steps);
  EXPECT_EQ(from_config.context_window, defaults.context_window);
  EXPECT_EQ(from_config.batch_size, defaults.batch_size);
  // The widths have no struct default; the config's are the released ones.
  EXPECT_EQ(from_config.stack.widths, (std::vector<int>{400, 200, 200}));
}

// Every file in configs/ (sweep files live in configs/sweeps/, not here), so that a new preset is
// checked without being listed.
TEST(TrainConfig, EveryPresetLoads) {
  const std::filesystem::path folder = std::filesystem::path(ARQ_SOURCE_DIR) / "configs";
  std::vector<std::filesystem::path> presets;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      presets.push_back(entry.path());
  // The ten presets of the papers' agents, DQN and SAC, and the TD-MPC2 ones at least.
  EXPECT_GE(presets.size(), 12u);
  for (const auto& preset : presets) {
    Config c = make_train_config();
    EXPECT_NO_THROW(c.load_toml_file(preset.string())) << preset;
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
           {"ad-minatar-cpu.toml", local::CellKind::kAd, false},
           {"arq-dmc.toml", local::CellKind::kArq, true},
           {"arq-dmc-cpu.toml", local::CellKind::kArq, true},
           {"ad-dmc.toml", local::CellKind::kAd, false}}) {
    Config c = make_train_config();
    c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/" + preset);
    const auto options = local::local_agent_options_from_config(c, breakout);
    EXPECT_EQ(options.stack.cell.kind, kind) << preset;
    EXPECT_EQ(options.stack.cell.action_conditioning, conditioned) << preset;
  }
}

// The DMC presets carry the released DMC settings (docs/algorithms.md §6.1) on bang-bang tasks, and
// build their agents for the task they name.
TEST(TrainConfig, DmcPresetsCarryTheReleasedSettings) {
  auto load = [](const char* preset) {
    Config c = make_train_config();
    c.load_toml_file(std::string(ARQ_SOURCE_DIR) + "/configs/" + preset);
    return c;
  };
  const EnvSpec cheetah_bangbang{"dmc/cheetah-run:bangbang", {17}, 64, 0};
  for (const char* preset : {"arq-dmc.toml", "arq-dmc-cpu.toml", "ad-dmc.toml"}) {
    const Config c = load(preset);
    EXPECT_EQ(c.get_string("run.env"), "dmc/cheetah-run:bangbang") << preset;
    EXPECT_DOUBLE_EQ(c.get_double("optim.lr"), 2.5e-4) << preset;
    EXPECT_NO_THROW(make_agent(c, cheetah_bangbang)) << preset;
  }
  const Config arq = load("arq-dmc.toml");
  EXPECT_EQ(arq.get_ints("local.widths"), (std::vector<int64_t>{128, 96, 96}));
  EXPECT_EQ(arq.get_string("local.action_code"), "binary");
  EXPECT_DOUBLE_EQ(arq.get_double("optim.max_grad_norm"), 0.1);
  EXPECT_DOUBLE_EQ(arq.get_double("explore.decay_fraction"), 0.25);
  EXPECT_EQ(arq.get_int("replay.batch_size"), 512);
  EXPECT_EQ(load("arq-dmc-cpu.toml").get_ints("local.widths"), (std::vector<int64_t>{64, 48, 48}));
  const Config ad = load("ad-dmc.toml");
  EXPECT_EQ(ad.get_int("run.train_frequency"), 2);
  EXPECT_DOUBLE_EQ(ad.get_double("optim.max_grad_norm"), 1.0);

  const EnvSpec cheetah{"dmc/cheetah-run", {17}, 0, 6};
  for (const char* preset : {"sac-dmc.toml", "sac-dmc-cpu.toml"}) {
    const Config c = load(preset);
    EXPECT_EQ(c.get_string("run.agent"), "sac") << preset;
    EXPECT_EQ(c.get_string("run.env"), "dmc/cheetah-run") << preset;
    EXPECT_EQ(c.get_int("run.learning_starts"), 5000) << preset;
    EXPECT_EQ(c.get_int("run.target_update_frequency"), 2) << preset;
    EXPECT_DOUBLE_EQ(c.get_double("optim.adam_b2"), 0.999) << preset;
    const auto agent = make_agent(c, cheetah);
    EXPECT_TRUE(agent->continuous_actions()) << preset;
  }
  EXPECT_EQ(load("sac-dmc.toml").get_int("sac.hidden"), 1024);
  EXPECT_EQ(load("sac-dmc.toml").get_int("replay.batch_size"), 1024);
  EXPECT_EQ(load("sac-dmc-cpu.toml").get_int("sac.hidden"), 256);
  EXPECT_EQ(load("sac-dmc-cpu.toml").get_int("replay.batch_size"), 256);
}

}  // namespace
}  // namespace arq

namespace arq {
namespace {

// Every number key declares the values it accepts next to its default and help, so a value out
// of range is refused by name, from a preset or from --set, before anything runs.
TEST(TrainConfig, OutOfRangeValuesAreRefusedByKey) {
  for (const auto& [assignment, expected] : std::vector<std::pair<std::string, std::string>>{
           {"agent.gamma=2", "'agent.gamma' must be in [0, 1], got 2"},
           {"local.context_window=0", "'local.context_window' must be >= 1, got 0"},
           {"run.total_steps=-5", "'run.total_steps' must be >= 1"},
           {"replay.capacity=0", "'replay.capacity' must be >= 1"},
           {"optim.lr=-1e-3", "'optim.lr' must be > 0"},
           {"local.widths=[64,0]", "'local.widths' must be >= 1, got 0 (in the list)"},
           {"sac.tau=0", "'sac.tau' must be in (0, 1]"},
           {"run.seed=-1", "'run.seed' must be in [0, 4294967295]"}}) {
    Config c = make_train_config();
    try {
      c.apply_override(assignment);
      ADD_FAILURE() << assignment << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

TEST(TrainConfig, EveryNumberKeyDeclaresARange) {
  const std::string help = make_train_config().describe();
  std::istringstream lines(help);
  std::string line;
  while (std::getline(lines, line)) {
    const bool number = line.find("(integer,") != std::string::npos ||
                        line.find("(float,") != std::string::npos ||
                        line.find("(integer list,") != std::string::npos;
    // log_std bounds and TD-MPC2's bin range are free numbers (their order is checked where they
    // are used).
    if (!number || line.starts_with("sac.log_std_") || line.starts_with("tdmpc2.log_std_") ||
        line.starts_with("tdmpc2.vmin") || line.starts_with("tdmpc2.vmax"))
      continue;
    EXPECT_TRUE(line.find(", in [") != std::string::npos ||
                line.find(", in (") != std::string::npos || line.find(", >") != std::string::npos)
        << line;
  }
}

}  // namespace
}  // namespace arq
