// The divergence guard: a run whose learning blows up stops at the first non-finite loss or
// gradient norm with a DivergenceError naming the step, the network or layer and the tensor, and
// every checkpoint it leaves holds finite weights only (the last good one stays).
#include <gtest/gtest.h>

#include <filesystem>

#include "arq/agents/factory.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"
#include "arq/env/registry.h"
#include "arq/train/checkpoint.h"
#include "arq/train/train_config.h"
#include "arq/train/trainer.h"
#include "train/train_run.h"

namespace arq {
namespace {

namespace fs = std::filesystem;
using test::fresh_run_dir;
using test::train_quietly;

Config blowing_up_config(const std::string& agent) {
  Config c = make_train_config();
  for (const std::string& line : std::vector<std::string>{"run.agent=" + agent,
                                                          "run.env=minatar/breakout-v1",
                                                          "run.seed=3",
                                                          "run.total_steps=3000",
                                                          "run.learning_starts=200",
                                                          "run.train_frequency=1",
                                                          "run.target_update_frequency=100",
                                                          "run.log_frequency=100",
                                                          "run.eval_frequency=0",
                                                          "run.eval_episodes=1",
                                                          "run.checkpoint_frequency=100",
                                                          "replay.capacity=3000",
                                                          "replay.batch_size=8",
                                                          "optim.kind=adam",
                                                          "optim.lr=1e12",
                                                          "optim.max_grad_norm=0",
                                                          "dqn.hidden=16",
                                                          "dqn.conv_channels=4",
                                                          "local.widths=[16,8]",
                                                          "local.heads=2",
                                                          "local.context_window=2"}) {
    c.apply_override(line);
  }
  return c;
}

// Trains `config` into `dir`, expecting a DivergenceError; returns its message.
std::string diverge(const Config& config, const fs::path& dir) {
  try {
    train_quietly(config, dir);
  } catch (const DivergenceError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the run did not stop as diverged";
  return "";
}

// The checkpoint left behind loads, which checks every weight finite and every checksum.
void expect_last_checkpoint_loads(const Config& config, const fs::path& dir) {
  ASSERT_TRUE(has_checkpoint(dir.string()));
  const EnvSpec spec = make_env(config.get_string("run.env"))->spec();
  auto agent = make_agent(config, spec);
  EXPECT_NO_THROW(read_checkpoint(dir.string(), *agent, nullptr));
}

TEST(Divergence, DqnStopsAtTheFirstNonFiniteValueNamingStepNetworkAndTensor) {
  const Config c = blowing_up_config("dqn");
  const fs::path dir = fresh_run_dir("diverge_dqn");
  const std::string message = diverge(c, dir);
  EXPECT_NE(message.find("training diverged at step "), std::string::npos) << message;
  EXPECT_NE(message.find("q network"), std::string::npos) << message;
  EXPECT_NE(message.find("first non-finite tensor: q."), std::string::npos) << message;
  EXPECT_NE(message.find("the last checkpoint (step "), std::string::npos) << message;
  expect_last_checkpoint_loads(c, dir);
  fs::remove_all(dir);
}

TEST(Divergence, LocalAgentStopsNamingTheLayer) {
  const Config c = blowing_up_config("arq");
  const fs::path dir = fresh_run_dir("diverge_arq");
  const std::string message = diverge(c, dir);
  EXPECT_NE(message.find("training diverged at step "), std::string::npos) << message;
  EXPECT_NE(message.find("layer "), std::string::npos) << message;
  EXPECT_NE(message.find("first non-finite tensor: "), std::string::npos) << message;
  expect_last_checkpoint_loads(c, dir);
  fs::remove_all(dir);
}

TEST(Divergence, TdLossThresholdStopsABlowUpThatIsStillFinite) {
  Config c = blowing_up_config("dqn");
  c.apply_override("optim.lr=1e-4");
  c.apply_override("run.max_td_loss=1e-12");
  const fs::path dir = fresh_run_dir("diverge_threshold");
  const std::string message = diverge(c, dir);
  EXPECT_NE(message.find("td_loss is "), std::string::npos) << message;
  EXPECT_NE(message.find("above run.max_td_loss 1e-12"), std::string::npos) << message;
  fs::remove_all(dir);
  // Off by default: the same run with sane settings finishes.
  c.apply_override("run.max_td_loss=0");
  c.apply_override("run.total_steps=400");
  EXPECT_TRUE(train_quietly(c, dir).finished);
  fs::remove_all(dir);
}

TEST(Divergence, ACheckpointWithANonFiniteWeightIsNeverWritten) {
  const Config c = blowing_up_config("dqn");
  const EnvSpec spec = make_env("minatar/breakout-v1")->spec();
  auto agent = make_agent(c, spec);
  const fs::path dir = fresh_run_dir("diverge_write");
  write_checkpoint(dir.string(), CheckpointMeta{10, nlohmann::json::object()}, *agent, nullptr);
  const std::string sidecar = read_file((dir / "checkpoints/checkpoint.json").string());

  AgentState state = agent->save_state();
  state.tensors[1].value(0, 0) = std::numeric_limits<float>::infinity();
  agent->load_state(state);
  try {
    write_checkpoint(dir.string(), CheckpointMeta{20, nlohmann::json::object()}, *agent, nullptr);
    FAIL() << "a checkpoint with an infinite weight was written";
  } catch (const DivergenceError& e) {
    EXPECT_NE(std::string(e.what()).find(state.tensors[1].name), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_file((dir / "checkpoints/checkpoint.json").string()), sidecar);
  EXPECT_TRUE(fs::exists(dir / "checkpoints/model_10.safetensors"));
  EXPECT_FALSE(fs::exists(dir / "checkpoints/model_20.safetensors"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace arq
