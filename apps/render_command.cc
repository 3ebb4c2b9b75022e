// arq render: play episodes with a checkpoint's greedy policy (or a uniformly random one) and
// write them as an animated GIF.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <utility>

#include "apps/commands.h"
#include "arq/agents/epsilon_greedy.h"
#include "arq/core/error.h"
#include "arq/env/registry.h"
#include "arq/render/env_frames.h"
#include "arq/render/gif_writer.h"
#include "arq/train/trained_run.h"

namespace arq::cli {
namespace {

namespace fs = std::filesystem;

struct RenderArgs {
  std::string checkpoint;
  std::string policy = "greedy";
  std::string env_id;
  std::string out;
  int64_t episodes = 1;
  int64_t max_steps = 1000;
  int scale = 16;
  int size = 160;
  std::string camera;
  double fps = 0.0;  // 0: 10 for MinAtar, 25 for DMC
  uint32_t seed = 0;
  double epsilon = 0.0;
};

// What picks the actions: a checkpoint's agent, or nothing (uniformly random actions).
struct Actor {
  std::unique_ptr<Agent> agent;
  std::unique_ptr<Policy> policy;
  std::string description;
};

void validate(const RenderArgs& args) {
  if (args.policy != "greedy" && args.policy != "uniform") {
    throw Error("--policy must be 'greedy' (a checkpoint's policy) or 'uniform', got '" +
                args.policy + "'");
  }
  if (args.policy == "greedy" && args.checkpoint.empty()) {
    throw Error("--checkpoint is required for --policy greedy (or use --policy uniform --env ID)");
  }
  if (args.policy == "uniform" && !args.checkpoint.empty()) {
    throw Error("--policy uniform takes no --checkpoint");
  }
  if (args.policy == "uniform" && args.env_id.empty()) {
    throw Error("--policy uniform needs --env ID (e.g. minatar/breakout-v1, dmc/walker-walk)");
  }
  if (fs::path(args.out).extension() != ".gif") {
    throw Error("--out '" + args.out + "': expected a file name ending in .gif");
  }
  if (args.episodes <= 0 || args.episodes > 1000) {
    throw Error("--episodes must be in [1, 1000], got " + std::to_string(args.episodes));
  }
  if (args.max_steps <= 0) {
    throw Error("--max-steps must be > 0, got " + std::to_string(args.max_steps));
  }
  if (!(args.epsilon >= 0.0 && args.epsilon <= 1.0)) {
    throw Error("--epsilon must be in [0, 1], got " + std::to_string(args.epsilon));
  }
  if (!(args.fps >= 0.0 && args.fps <= 100.0)) {
    throw Error("--fps must be in (0, 100] (or 0 for the environment's default), got " +
                std::to_string(args.fps));
  }
}

// Loads the run's last checkpoint; returns its environment id and options through the out
// parameters.
Actor load_actor(const RenderArgs& args, std::string& env_id, EnvOptions& env_options) {
  TrainedRun run = open_trained_run(args.checkpoint);
  env_id = run.config.get_string("run.env");
  if (!args.env_id.empty() && args.env_id != env_id) {
    throw Error("--env '" + args.env_id + "' differs from the checkpoint's environment '" + env_id +
                "' (leave --env out with --checkpoint)");
  }
  env_options = run.env_options;
  load_last_checkpoint(run);
  Actor actor;
  actor.agent = std::move(run.agent);
  actor.policy = actor.agent->make_policy();
  char mode[64];
  if (actor.agent->continuous_actions()) {
    std::snprintf(mode, sizeof(mode), "deterministic action");
  } else {
    std::snprintf(mode, sizeof(mode), "greedy, epsilon %g", args.epsilon);
  }
  char description[200];
  std::snprintf(description, sizeof(description), "%s at step %lld (%s)",
                run.config.get_string("run.agent").c_str(),
                static_cast<long long>(run.meta.steps_done), mode);
  actor.description = description;
  return actor;
}

void run_render(const RenderArgs& args) {
  validate(args);
  std::string env_id = args.env_id;
  EnvOptions env_options;
  Actor actor;
  if (args.policy == "greedy") {
    actor = load_actor(args, env_id, env_options);
  } else {
    actor.description = "uniformly random policy";
  }
  auto env = make_env(env_id, env_options);
  const EnvSpec& spec = env->spec();
  render::FrameOptions frame_options;
  frame_options.minatar_scale = args.scale;
  frame_options.dmc_size = args.size;
  frame_options.dmc_camera = args.camera;
  auto frames = render::make_env_frames(*env, frame_options);
  const bool is_dmc = env_id.starts_with("dmc/");
  const double fps = args.fps > 0.0 ? args.fps : (is_dmc ? 25.0 : 10.0);
  const int delay = std::max(2, static_cast<int>(std::lround(100.0 / fps)));
  const int final_delay = std::max(delay, 100);  // hold each episode's last frame for a second
  render::GifWriter gif(frames->width(), frames->height(), frames->palette());
  std::vector<uint8_t> frame(static_cast<size_t>(frames->width()) * frames->height());
  std::vector<float> obs(spec.obs_size());
  std::vector<double> continuous_action(spec.action_dim);
  std::vector<float> policy_action(spec.action_dim);
  std::mt19937_64 rng(args.seed);
  std::uniform_real_distribution<double> uniform_action(-1.0, 1.0);
  env->reset(args.seed);
  for (int64_t episode = 0; episode < args.episodes; ++episode) {
    if (episode > 0) env->reset();
    if (actor.policy) actor.policy->begin_episode();
    env->observation(obs);
    frames->draw(frame);
    double episode_return = 0.0;
    int64_t length = 0;
    while (length < args.max_steps) {
      StepResult step;
      if (!spec.discrete()) {
        if (actor.policy) {
          // The deterministic action (e.g. SAC's tanh of the mean); epsilon does not apply, as
          // in evaluation.
          actor.policy->act_continuous(obs, /*sample=*/false, rng, policy_action);
          std::copy(policy_action.begin(), policy_action.end(), continuous_action.begin());
        } else {
          for (double& value : continuous_action) value = uniform_action(rng);
        }
        step = env->step_continuous(continuous_action);
      } else {
        const int action = actor.policy ? epsilon_greedy_action(*actor.policy, obs, args.epsilon,
                                                                spec.num_actions, rng)
                                        : random_action(rng, spec.num_actions);
        step = env->step(action);
      }
      // The frame before this step is shown while the step happens.
      gif.add_frame(frame, delay);
      ++length;
      episode_return += step.reward;
      env->observation(obs);
      frames->draw(frame);
      if (step.done()) break;
    }
    gif.add_frame(frame, final_delay);
    std::printf("episode %lld: return %g, length %lld\n", static_cast<long long>(episode),
                episode_return, static_cast<long long>(length));
  }
  gif.save(args.out);
  std::printf("%s on %s: %d frames of %d x %d written to %s (%zu bytes)\n",
              actor.description.c_str(), env_id.c_str(), gif.frame_count(), gif.width(),
              gif.height(), args.out.c_str(), gif.bytes().size());
}

}  // namespace

void add_render_command(CLI::App& app) {
  auto args = std::make_shared<RenderArgs>();
  CLI::App* cmd =
      app.add_subcommand("render", "Play episodes with a checkpoint (or random) policy into a GIF");
  cmd->add_option("--checkpoint", args->checkpoint, "Run folder (or its checkpoints/ folder)");
  cmd->add_option("--policy", args->policy,
                  "greedy (the checkpoint's policy) or uniform (random actions, needs --env)");
  cmd->add_option("--env", args->env_id, "Environment id (for --policy uniform)");
  cmd->add_option("--out", args->out, "GIF file to write")->required();
  cmd->add_option("--episodes", args->episodes, "Episodes to play");
  cmd->add_option("--max-steps", args->max_steps, "Step cap per episode");
  cmd->add_option("--scale", args->scale, "Pixels per MinAtar cell");
  cmd->add_option("--size", args->size, "DMC frame width and height in pixels");
  cmd->add_option("--camera", args->camera, "DMC camera name (default: the model's first)");
  cmd->add_option("--fps", args->fps, "Frames per second (default: 10 MinAtar, 25 DMC)");
  cmd->add_option("--seed", args->seed, "Seed of the environment and the random draws");
  cmd->add_option("--epsilon", args->epsilon, "Chance of a random action per step (0: greedy)");
  cmd->callback([args] { run_render(*args); });
}

}  // namespace arq::cli
