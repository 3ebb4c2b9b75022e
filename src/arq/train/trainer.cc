#include "arq/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>

#include "arq/agents/local/worker_pool.h"
#include "arq/core/build_info.h"
#include "arq/core/error.h"
#include "arq/core/isa.h"
#include "arq/core/json_error.h"
#include "arq/core/seeding.h"
#include "arq/core/tensorboard.h"
#include "arq/core/text_io.h"
#include "arq/env/registry.h"
#include "arq/replay/replay_buffer.h"
#include "arq/train/checkpoint.h"
#include "arq/train/csv_writer.h"
#include "arq/train/divergence.h"
#include "arq/train/evaluation.h"
#include "arq/train/progress.h"
#include "arq/train/run_lock.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

constexpr size_t kRecentEpisodes = 10;

// The decay length in steps: explore.decay_steps, or explore.decay_fraction of the run's
// run.total_steps as it stands (so it stretches when an unfinished run is extended).
int64_t epsilon_decay_steps(const Config& c) {
  const int64_t decay = c.get_int("explore.decay_steps");
  if (decay > 0) return decay;
  return static_cast<int64_t>(c.get_double("explore.decay_fraction") *
                              static_cast<double>(c.get_int("run.total_steps")));
}

// Linear decay from start to end over `decay` steps, beginning after learning_starts (the
// reference code's schedule).
double epsilon_at(int64_t step, const Config& c, int64_t decay) {
  const double start = c.get_double("explore.start_epsilon");
  const double end = c.get_double("explore.end_epsilon");
  const int64_t since = std::max<int64_t>(step - c.get_int("run.learning_starts"), 0);
  if (decay <= 0) return end;
  const double progress = std::min(1.0, static_cast<double>(since) / static_cast<double>(decay));
  return start + (end - start) * progress;
}

std::string rng_text(const std::mt19937_64& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

void restore_rng(std::mt19937_64& rng, const std::string& text) {
  std::istringstream in(text);
  in >> rng;
  if (!in) throw Error("checkpoint: invalid random generator state");
}

void validate(const Config& c) {
  auto positive = [&](const char* key) {
    if (c.get_int(key) <= 0) {
      throw Error("config " + std::string(key) + " must be > 0, got " +
                  std::to_string(c.get_int(key)));
    }
  };
  auto non_negative = [&](const char* key) {
    if (c.get_int(key) < 0) {
      throw Error("config " + std::string(key) + " must be >= 0, got " +
                  std::to_string(c.get_int(key)));
    }
  };
  positive("run.total_steps");
  positive("run.train_frequency");
  positive("run.target_update_frequency");
  positive("run.log_frequency");
  positive("run.eval_episodes");
  positive("run.eval_max_steps");
  positive("replay.capacity");
  positive("replay.batch_size");
  non_negative("run.learning_starts");
  non_negative("run.checkpoint_frequency");
  non_negative("run.eval_frequency");
  for (const char* key : {"run.eval_epsilon", "explore.start_epsilon", "explore.end_epsilon"}) {
    const double value = c.get_double(key);
    if (!(value >= 0.0 && value <= 1.0)) {
      throw Error("config " + std::string(key) + " must be in [0, 1], got " +
                  std::to_string(value));
    }
  }
  const int64_t seed = c.get_int("run.seed");
  if (seed < 0 || seed > 0xFFFFFFFFll) {
    throw Error("config run.seed must be in [0, 2^32), got " + std::to_string(seed));
  }
}

std::string iso_time_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

// What makes a run's bits depend on the machine: the kernels' ISA level and, for the local
// agents, the resolved thread count.
nlohmann::json machine_facts(const Config& c, IsaLevel isa) {
  nlohmann::json facts = {{"isa", isa_name(isa)}};
  const std::string& agent = c.get_string("run.agent");
  if (agent == "arq" || agent == "ad") {
    facts["local_threads"] = local::WorkerPool::resolve_thread_count(c.get_int("local.threads"));
  }
  return facts;
}

// A resumed run continues bit for bit only with the level and thread count it started with.
void warn_if_machine_differs(const fs::path& run_dir, const nlohmann::json& now) {
  const fs::path path = run_dir / "run.json";
  if (!fs::exists(path)) return;
  const nlohmann::json started = nlohmann::json::parse(read_file(path.string()), nullptr, false);
  if (started.is_discarded()) return;
  const auto text = [](const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
  };
  for (const auto& [key, value] : now.items()) {
    if (!started.contains(key) || started.at(key) == value) continue;
    const std::string before = text(started.at(key));
    std::fprintf(stderr,
                 "warning: --resume: the run started with %s %s, this process uses %s; from here "
                 "on its last bits differ from an uninterrupted run's (--set %s=%s pins the old "
                 "value where this machine has it)\n",
                 key.c_str(), before.c_str(), text(value).c_str(),
                 key == "isa" ? "nn.isa" : "local.threads", before.c_str());
  }
}

constexpr const char* kLogs[] = {"metrics.csv", "episodes.csv", "eval.csv"};

// The size of each log when a checkpoint is written: a resume cuts the logs back to exactly
// these bytes, so it removes only rows written after the checkpoint.
nlohmann::json log_sizes(const std::string& dir) {
  nlohmann::json sizes = nlohmann::json::object();
  for (const char* file : kLogs) {
    std::error_code error;
    const auto size = fs::file_size(fs::path(dir) / file, error);
    if (!error) sizes[file] = static_cast<int64_t>(size);
  }
  return sizes;
}

// How each log is cut back to the checkpoint; throws, changing nothing, if a log disagrees with
// it (see CsvWriter::plan_resume_cut) or episodes.csv does not hold the checkpoint's episodes.
std::vector<CsvWriter::ResumeCut> plan_log_cuts(const std::string& dir,
                                                const CheckpointStatus& status) {
  const auto recorded = status.trainer.find("log_bytes");
  std::vector<CsvWriter::ResumeCut> cuts;
  for (const char* file : kLogs) {
    int64_t bytes = -1;  // checkpoints of older arq versions: cut by step
    if (recorded != status.trainer.end() && recorded->is_object()) {
      const auto it = recorded->find(file);
      if (it != recorded->end() && it->is_number_integer()) bytes = it->get<int64_t>();
      if (it != recorded->end() && !(it->is_number_integer() && bytes >= 0)) {
        throw Error("checkpoint in '" + dir + "': trainer.log_bytes." + file +
                    " must be a byte count >= 0, got " + it->dump());
      }
    }
    cuts.push_back(
        CsvWriter::plan_resume_cut((fs::path(dir) / file).string(), status.steps_done, bytes));
  }
  const auto episodes = status.trainer.find("episodes");
  if (cuts[1].exists && episodes != status.trainer.end() && episodes->is_number_integer() &&
      episodes->get<int64_t>() != cuts[1].kept_rows) {
    throw Error("resuming from the checkpoint at step " + std::to_string(status.steps_done) +
                ": it counts " + std::to_string(episodes->get<int64_t>()) +
                " episodes but episodes.csv lists " + std::to_string(cuts[1].kept_rows) +
                " up to that step; the log and the checkpoint disagree, nothing was changed");
  }
  return cuts;
}

}  // namespace

std::string default_run_name(const Config& config) {
  std::string env = config.get_string("run.env");
  std::replace(env.begin(), env.end(), '/', '-');
  return env + "__" + config.get_string("run.agent") + "__" +
         std::to_string(config.get_int("run.seed")) + "__" + std::to_string(std::time(nullptr));
}

TrainSummary train(const TrainRequest& request, const AgentFactory& make_agent) {
  const Config& c = request.config;
  validate(c);
  const IsaLevel isa = apply_isa_setting(c.get_string("nn.isa"), "config nn.isa");
  const nlohmann::json machine = machine_facts(c, isa);
  const fs::path run_dir(request.run_dir);
  const std::string dir = run_dir.string();

  const int64_t total = c.get_int("run.total_steps");
  const bool resuming = request.resume && has_checkpoint(dir);
  if (request.resume && !resuming && fs::exists(run_dir / "metrics.csv")) {
    throw Error("--resume: '" + dir + "' has logs but no checkpoint to resume from");
  }
  if (!request.resume && fs::exists(run_dir / "metrics.csv")) {
    throw Error("run folder '" + dir + "' already holds a run; use --resume to continue it");
  }
  if (resuming) {
    // Checked before anything is loaded: a finished run continues only to a larger total.
    const CheckpointStatus status = *checkpoint_status(dir);
    if (status.finished && status.steps_done == total) {
      throw Error("--resume: the run in '" + dir + "' is complete (" + std::to_string(total) +
                  " steps); a larger run.total_steps (arq train --total-steps) extends it");
    }
    if (status.steps_done >= total) {
      throw Error("--resume: run.total_steps is " + std::to_string(total) + " but the run in '" +
                  dir + "' has already done " + std::to_string(status.steps_done) +
                  " steps; a run can only be extended (a larger total)");
    }
  }

  // Streams, all derived from the master seed.
  const uint64_t seed = static_cast<uint64_t>(c.get_int("run.seed"));
  std::mt19937_64 explore_rng(derive_seed(seed, "explore"));
  std::mt19937_64 replay_rng(derive_seed(seed, "replay"));
  std::mt19937_64 eval_rng(derive_seed(seed, "eval"));

  EnvOptions env_options;
  env_options.sticky_action_prob = c.get_double("env.sticky_action_prob");
  env_options.difficulty_ramping = c.get_bool("env.difficulty_ramping");
  auto env = make_env(c.get_string("run.env"), env_options);
  auto eval_env = make_env(c.get_string("run.env"), env_options);
  const EnvSpec spec = env->spec();
  auto agent = make_agent(c, spec);
  const bool continuous = !spec.discrete();
  if (agent->continuous_actions() != continuous) {
    throw Error("run.agent '" + agent->name() + "' acts with " +
                (agent->continuous_actions() ? "continuous" : "discrete") +
                " actions, but run.env '" + spec.id + "' has " +
                (continuous ? "continuous" : "discrete") + " ones");
  }
  auto policy = agent->make_policy();
  auto eval_policy = agent->make_policy();

  replay::ReplayConfig replay_config;
  replay_config.capacity = c.get_int("replay.capacity");
  replay_config.obs_shape = spec.obs_shape;
  replay_config.binary_observations = spec.id.rfind("minatar/", 0) == 0;
  replay_config.action_dim = continuous ? spec.action_dim : 0;
  replay::ReplayBuffer replay(replay_config);  // refuses a capacity beyond the machine's memory

  fs::create_directories(run_dir);  // only once the config has proved valid
  const RunLock lock(dir);          // one trainer per run folder

  // Counters and logging state.
  int64_t step = 0;
  int64_t episodes = 0;
  int64_t updates = 0;
  std::deque<double> recent_returns;
  std::map<std::string, std::pair<double, int64_t>> metric_sums;
  const int64_t learning_starts = c.get_int("run.learning_starts");
  int64_t decay_steps = epsilon_decay_steps(c);

  if (resuming) {
    warn_if_machine_differs(run_dir, machine);
    // The logs must agree with the checkpoint before anything is loaded or cut.
    const std::vector<CsvWriter::ResumeCut> log_cuts = plan_log_cuts(dir, *checkpoint_status(dir));
    const CheckpointMeta meta = read_checkpoint(dir, *agent, &replay);
    const auto& s = meta.trainer;
    step = meta.steps_done;
    try {
      if (s.contains("epsilon_decay_steps")) {
        // A decay that has finished stays finished: a longer run (whose fraction-based decay would
        // reach past this step) must not raise epsilon again. One still under way stretches.
        const int64_t previous = s.at("epsilon_decay_steps").get<int64_t>();
        if (step >= learning_starts + previous) decay_steps = previous;
      }
      episodes = s.at("episodes").get<int64_t>();
      updates = s.at("updates").get<int64_t>();
      for (double r : s.at("recent_returns")) recent_returns.push_back(r);
      for (const auto& [key, value] : s.at("metric_sums").items()) {
        metric_sums[key] = {value.at(0).get<double>(), value.at(1).get<int64_t>()};
      }
      restore_rng(explore_rng, s.at("explore_rng").get<std::string>());
      restore_rng(replay_rng, s.at("replay_rng").get<std::string>());
      restore_rng(eval_rng, s.at("eval_rng").get<std::string>());
      env->restore_stream_state(s.at("env_stream").get<std::string>());
      eval_env->restore_stream_state(s.at("eval_env_stream").get<std::string>());
    } catch (const nlohmann::json::exception& e) {
      throw Error("checkpoint in '" + dir + "': invalid trainer state (" + json_error_text(e) +
                  ")");
    }
    env->reset();
    for (const auto& cut : log_cuts) CsvWriter::apply(cut);  // only rows written after it go
  } else {
    env->reset(static_cast<uint32_t>(seed));
    eval_env->reset(static_cast<uint32_t>(seed + 1));
    // Resolved config and build facts, for anyone reading the run later.
    write_file_atomic((run_dir / "config.toml").string(), c.to_toml());
    const BuildInfo& info = build_info();
    nlohmann::json meta = {{"command", request.command_line},
                           {"started", iso_time_now()},
                           {"arq_version", info.version},
                           {"git_commit", info.git_commit},
                           {"build_type", info.build_type},
                           {"compiler", info.compiler},
                           {"compile_flags", info.compile_flags},
                           {"simd", info.simd},
                           {"isa", machine.at("isa")},
                           {"env", spec.id},
                           {"agent", agent->name()}};
    if (machine.contains("local_threads")) meta["local_threads"] = machine.at("local_threads");
    write_file_atomic((run_dir / "run.json").string(), meta.dump(2) + "\n");
  }
  policy->begin_episode();

  // Metric columns are fixed by the agent.
  std::vector<std::string> metric_columns = {"step", "episodes", "epsilon", "recent_return",
                                             "updates"};
  const std::vector<std::string> agent_metrics = agent->metric_names();
  metric_columns.insert(metric_columns.end(), agent_metrics.begin(), agent_metrics.end());
  CsvWriter metrics_csv((run_dir / "metrics.csv").string(), metric_columns);
  CsvWriter episodes_csv((run_dir / "episodes.csv").string(),
                         {"step", "episode", "return", "length"});
  CsvWriter eval_csv((run_dir / "eval.csv").string(),
                     {"step", "mean_return", "std_return", "min_return", "max_return", "episodes"});

  // TensorBoard event files with CleanRL's tag names (a new file per process, so a resumed run
  // adds one; TensorBoard merges them).
  TensorBoardWriter tensorboard(dir);
  const auto wall_start = std::chrono::steady_clock::now();
  const int64_t first_step = step;

  const int64_t train_frequency = c.get_int("run.train_frequency");
  const int64_t target_frequency = c.get_int("run.target_update_frequency");
  const int64_t log_frequency = c.get_int("run.log_frequency");
  const int64_t eval_frequency = c.get_int("run.eval_frequency");
  const int64_t checkpoint_frequency = c.get_int("run.checkpoint_frequency");
  const bool stale_context = c.get_bool("local.stale_context_on_random");
  const double max_td_loss = c.get_double("run.max_td_loss");

  auto run_eval = [&](int64_t at_step) {
    const EvalResult result =
        evaluate(*eval_env, *eval_policy,
                 EvalSettings{c.get_int("run.eval_episodes"), c.get_double("run.eval_epsilon"),
                              c.get_int("run.eval_max_steps")},
                 eval_rng);
    const auto [lo, hi] = std::minmax_element(result.returns.begin(), result.returns.end());
    eval_csv.row({static_cast<double>(at_step), result.mean(), result.stddev(), *lo, *hi,
                  static_cast<double>(result.returns.size())});
    tensorboard.add_scalar("eval/mean_return", at_step, result.mean());
    tensorboard.flush();
    return result.mean();
  };
  auto trainer_state = [&] {
    nlohmann::json sums = nlohmann::json::object();
    for (const auto& [key, value] : metric_sums) sums[key] = {value.first, value.second};
    return nlohmann::json{
        {"episodes", episodes},
        {"updates", updates},
        {"recent_returns", std::vector<double>(recent_returns.begin(), recent_returns.end())},
        {"metric_sums", sums},
        {"explore_rng", rng_text(explore_rng)},
        {"replay_rng", rng_text(replay_rng)},
        {"eval_rng", rng_text(eval_rng)},
        {"env_stream", env->stream_state()},
        {"eval_env_stream", eval_env->stream_state()},
        {"epsilon_decay_steps", decay_steps},
        {"log_bytes", log_sizes(dir)}};
  };

  TrainSummary summary;
  summary.run_dir = dir;
  double last_eval = 0.0;
  if (step == 0) last_eval = run_eval(0);

  std::vector<float> obs(spec.obs_size());
  std::vector<float> next_obs(spec.obs_size());
  env->observation(obs);
  double episode_return = 0.0;
  int64_t episode_length = 0;
  int64_t next_checkpoint =
      checkpoint_frequency > 0 ? (step / checkpoint_frequency + 1) * checkpoint_frequency : total;
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  ProgressLine progress(total, step);
  bool stop_requested = false;  // by request.on_step

  // The run's last step cuts the episode under way, as a time limit would. Stored as truncated,
  // it leaves the final checkpoint's replay buffer between episodes, so an extension of the run
  // starts a new one. Nothing sampled so far changes: bootstrapping reads `terminated` only, and
  // the flag marks where the *next* episode's windows start.
  auto cut_by_run_end = [&](const StepResult& result) {
    return result.truncated || step + 1 == total;
  };

  // Continuous control (SAC): uniform random actions for the first learning_starts steps (the
  // "seed steps"), then samples of the agent's stochastic policy; "epsilon" logs which one.
  std::vector<float> continuous_action(continuous ? spec.action_dim : 0);
  std::vector<double> env_action(continuous_action.size());
  auto act_continuous = [&](double& epsilon) {
    epsilon = step < learning_starts ? 1.0 : 0.0;
    if (step < learning_starts) {
      for (float& value : continuous_action) {
        value = static_cast<float>(static_cast<double>(explore_rng() >> 11) * 0x1.0p-52 - 1.0);
      }
    } else {
      policy->act_continuous(obs, true, explore_rng, continuous_action);
    }
    std::copy(continuous_action.begin(), continuous_action.end(), env_action.begin());
    const StepResult result = env->step_continuous(env_action);
    env->observation(next_obs);
    replay.add_continuous(obs, continuous_action, static_cast<float>(result.reward), next_obs,
                          result.terminated, cut_by_run_end(result));
    return result;
  };

  auto act_discrete = [&](double epsilon) {
    int action;
    if (coin(explore_rng) < epsilon) {
      action = static_cast<int>(explore_rng() % static_cast<uint64_t>(spec.num_actions));
      if (stale_context) {
        policy->skip_step(obs);
      } else {
        policy->act_greedy(obs);  // advance the context even though the action is random
      }
    } else {
      action = policy->act_greedy(obs);
    }
    const StepResult result = env->step(action);
    env->observation(next_obs);
    replay.add(obs, action, static_cast<float>(result.reward), next_obs, result.terminated,
               cut_by_run_end(result));
    return result;
  };

  while (step < total) {
    double epsilon = 0.0;
    StepResult result;
    if (continuous) {
      result = act_continuous(epsilon);
    } else {
      epsilon = epsilon_at(step, c, decay_steps);
      result = act_discrete(epsilon);
    }
    episode_return += result.reward;
    ++episode_length;
    const int64_t t = step;  // index of the step just taken
    ++step;

    bool boundary = false;
    if (result.done()) {
      ++episodes;
      episodes_csv.row({static_cast<double>(step), static_cast<double>(episodes), episode_return,
                        static_cast<double>(episode_length)});
      tensorboard.add_scalar("charts/episodic_return", step, episode_return);
      tensorboard.add_scalar("charts/episodic_length", step, static_cast<double>(episode_length));
      recent_returns.push_back(episode_return);
      if (recent_returns.size() > kRecentEpisodes) recent_returns.pop_front();
      episode_return = 0.0;
      episode_length = 0;
      boundary = true;
    } else {
      std::swap(obs, next_obs);
    }

    if (t > learning_starts && t % train_frequency == 0) {
      Metrics metrics;
      try {
        metrics = agent->update(replay, replay_rng);
      } catch (const DivergenceError& e) {
        throw diverged_at(step, e.what(), dir);
      }
      check_update_metrics(metrics, step, max_td_loss, dir);
      ++updates;
      for (const auto& [key, value] : metrics) {
        auto& sum = metric_sums[key];
        sum.first += value;
        ++sum.second;
      }
    }
    if (t > learning_starts && t % target_frequency == 0) agent->sync_target();

    const double recent = recent_returns.empty()
                              ? 0.0
                              : std::accumulate(recent_returns.begin(), recent_returns.end(), 0.0) /
                                    static_cast<double>(recent_returns.size());
    if (step % log_frequency == 0 || step == total) {
      std::vector<double> row = {static_cast<double>(step), static_cast<double>(episodes), epsilon,
                                 recent, static_cast<double>(updates)};
      for (const auto& name : agent_metrics) {
        const auto it = metric_sums.find(name);
        row.push_back(it == metric_sums.end() || it->second.second == 0
                          ? NAN
                          : it->second.first / static_cast<double>(it->second.second));
        if (!std::isnan(row.back())) tensorboard.add_scalar("losses/" + name, step, row.back());
      }
      metrics_csv.row(row);
      tensorboard.add_scalar("charts/epsilon", step, epsilon);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      if (seconds > 0) {
        tensorboard.add_scalar("charts/SPS", step,
                               static_cast<double>(step - first_step) / seconds);
      }
      tensorboard.flush();
      metric_sums.clear();
    }
    if ((eval_frequency > 0 && step % eval_frequency == 0) || step == total) {
      last_eval = run_eval(step);
    }
    if (!request.quiet) progress.update(step, recent, epsilon);
    if (request.on_step && !request.on_step({step, total, episodes, recent, epsilon})) {
      stop_requested = true;
    }

    if (boundary) {
      // Checkpoints are taken between episodes so a resume replays the same episodes exactly.
      const bool stop_here =
          stop_requested || (request.stop_after_steps >= 0 && step >= request.stop_after_steps);
      if ((step >= next_checkpoint || stop_here) && step < total) {  // the final one follows
        write_checkpoint(dir, CheckpointMeta{step, trainer_state()}, *agent, &replay);
        while (next_checkpoint <= step)
          next_checkpoint += std::max<int64_t>(checkpoint_frequency, 1);
      }
      if (stop_here && step < total) {
        summary.steps = step;
        summary.episodes = episodes;
        summary.final_eval_mean = last_eval;
        return summary;
      }
      // The final checkpoint keeps the stream as it is, like every other, for an extension.
      if (step == total) break;
      env->reset();
      policy->begin_episode();
      env->observation(obs);
    }
  }
  if (!request.quiet) progress.finish();
  // The final weights, for `arq eval` and analysis, with the replay buffer so that a larger
  // run.total_steps can extend the run exactly.
  nlohmann::json final_state = trainer_state();
  final_state["finished"] = true;
  write_checkpoint(dir, CheckpointMeta{step, final_state}, *agent, &replay);
  summary.steps = step;
  summary.episodes = episodes;
  summary.final_eval_mean = last_eval;
  summary.finished = true;
  return summary;
}

}  // namespace arq
