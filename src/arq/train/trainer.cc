#include "arq/train/trainer.h"
#include "arq/nn/gemm_bf16.h"
#include "arq/nn/precision.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <numeric>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "arq/agents/epsilon_greedy.h"
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
#include "arq/train/train_options.h"

namespace arq {
namespace {

namespace fs = std::filesystem;

constexpr size_t kRecentEpisodes = 10;

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

std::string iso_time_now() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

// What makes a run's bits depend on the machine: the kernels' ISA level and, for the local
// agents, the resolved thread count.
nlohmann::json machine_facts(const TrainOptions& options, IsaLevel isa) {
  nlohmann::json facts = {{"isa", isa_name(isa)}};
  if (options.local_agent()) {
    facts["local_threads"] = local::WorkerPool::resolve_thread_count(options.local_threads);
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

// The running sums behind a metrics.csv row: (sum, count) per agent metric since the last row.
struct MetricSum {
  double sum = 0.0;
  int64_t count = 0;
};

// One training run, in steps: start (or resume) it, then for every environment step act,
// close the episode if it ended, maybe update, log, evaluate and checkpoint.
class Trainer {
 public:
  Trainer(const TrainRequest& request, const AgentFactory& make_agent);
  TrainSummary run();

 private:
  void refuse_impossible_resume() const;
  void refuse_other_precision() const;
  void build_agent(const AgentFactory& make_agent);
  void start();
  void resume();
  void open_logs();

  StepResult act(double& epsilon);
  StepResult act_discrete(double epsilon);
  StepResult act_continuous(double& epsilon);
  bool cut_by_run_end(const StepResult& result) const;
  void close_episode();
  void maybe_update(int64_t t);
  double recent_return() const;
  void log(double epsilon, double recent);
  double evaluate_now();
  void checkpoint(bool finished);
  nlohmann::json state() const;
  TrainSummary summary(bool finished) const;

  const TrainRequest& request_;
  const TrainOptions options_;
  const std::string dir_;
  const IsaLevel isa_;
  const nlohmann::json machine_;
  const bool resuming_;

  // Random streams, all derived from the master seed.
  std::mt19937_64 explore_rng_, replay_rng_, eval_rng_;

  std::unique_ptr<Env> env_, eval_env_;
  EnvSpec spec_;
  bool continuous_ = false;
  std::unique_ptr<Agent> agent_;
  std::unique_ptr<Policy> policy_, eval_policy_;  // training acts with one, evaluation the other
  std::unique_ptr<replay::ReplayBuffer> replay_;
  std::optional<RunLock> lock_;  // one trainer per run folder

  // Counters, saved in checkpoints.
  int64_t step_ = 0;
  int64_t episodes_ = 0;
  int64_t updates_ = 0;
  std::deque<double> recent_returns_;
  std::map<std::string, MetricSum> metric_sums_;  // entries with count 0 are not saved
  int64_t decay_steps_ = 0;
  EpsilonSchedule epsilon_;

  // Logs.
  std::vector<std::string> agent_metrics_;  // the agent's metrics.csv columns
  std::vector<std::string> loss_tags_;      // their TensorBoard tags
  std::vector<double> log_row_;
  std::optional<CsvWriter> metrics_csv_, episodes_csv_, eval_csv_;
  std::optional<TensorBoardWriter> tensorboard_;
  std::chrono::steady_clock::time_point wall_start_;
  int64_t first_step_ = 0;
  double last_eval_ = 0.0;

  // The episode under way.
  std::vector<float> obs_, next_obs_;
  std::vector<float> continuous_action_;  // the agent's (float) action
  std::vector<double> env_action_;        // the same, as the environment takes it
  double episode_return_ = 0.0;
  int64_t episode_length_ = 0;
  int64_t next_checkpoint_ = 0;
};

Trainer::Trainer(const TrainRequest& request, const AgentFactory& make_agent)
    : request_(request),
      options_(TrainOptions::from_config(request.config)),
      dir_(fs::path(request.run_dir).string()),
      isa_(apply_isa_setting(options_.isa, "config nn.isa")),
      machine_(machine_facts(options_, isa_)),
      resuming_(request.resume && has_checkpoint(dir_)),
      explore_rng_(derive_seed(options_.seed, "explore")),
      replay_rng_(derive_seed(options_.seed, "replay")),
      eval_rng_(derive_seed(options_.seed, "eval")) {
  refuse_impossible_resume();
  build_agent(make_agent);
  fs::create_directories(dir_);  // only once the config has proved valid
  lock_.emplace(dir_);
  decay_steps_ = options_.epsilon_decay_steps();
  if (resuming_) {
    resume();
  } else {
    start();
  }
  epsilon_ = options_.epsilon_schedule(decay_steps_);
  policy_->begin_episode();
  open_logs();
}

// Checked before anything is built or loaded: whether the folder holds a run this request may
// start or continue, and a finished run continues only to a larger total.
void Trainer::refuse_impossible_resume() const {
  const bool has_logs = fs::exists(fs::path(dir_) / "metrics.csv");
  if (request_.resume && !resuming_ && has_logs) {
    throw Error("--resume: '" + dir_ + "' has logs but no checkpoint to resume from");
  }
  if (!request_.resume && has_logs) {
    throw Error("run folder '" + dir_ + "' already holds a run; use --resume to continue it");
  }
  if (!resuming_) return;
  refuse_other_precision();
  const int64_t total = options_.total_steps;
  const CheckpointStatus status = *checkpoint_status(dir_);
  if (status.finished && status.steps_done == total) {
    throw Error("--resume: the run in '" + dir_ + "' is complete (" + std::to_string(total) +
                " steps); a larger run.total_steps (arq train --total-steps) extends it");
  }
  if (status.steps_done >= total) {
    throw Error("--resume: run.total_steps is " + std::to_string(total) + " but the run in '" +
                dir_ + "' has already done " + std::to_string(status.steps_done) +
                " steps; a run can only be extended (a larger total)");
  }
}

// A run continues in the precision it started with (run.json; runs from before nn.precision
// existed are fp32): the other one would change what it learns, not only last bits.
void Trainer::refuse_other_precision() const {
  const fs::path path = fs::path(dir_) / "run.json";
  if (!fs::exists(path)) return;
  const nlohmann::json started = nlohmann::json::parse(read_file(path.string()), nullptr, false);
  if (started.is_discarded()) return;
  const std::string before = started.contains("precision") && started.at("precision").is_string()
                                 ? started.at("precision").get<std::string>()
                                 : std::string(nn::precision_name(nn::Precision::kFp32));
  const std::string now(nn::precision_name(options_.precision));
  if (before != now) {
    throw Error("--resume: the run in '" + dir_ + "' was trained with nn.precision = " + before +
                ", this request asks for " + now +
                "; continue it with --set nn.precision=" + before + " or start a new run");
  }
}

// The environments, the agent with its two policies, and the replay buffer.
void Trainer::build_agent(const AgentFactory& make_agent) {
  env_ = make_env(options_.env_id, options_.env);
  eval_env_ = make_env(options_.env_id, options_.env);
  spec_ = env_->spec();
  agent_ = make_agent(request_.config, spec_);
  continuous_ = !spec_.discrete();
  if (agent_->continuous_actions() != continuous_) {
    throw Error("run.agent '" + agent_->name() + "' acts with " +
                (agent_->continuous_actions() ? "continuous" : "discrete") +
                " actions, but run.env '" + spec_.id + "' has " +
                (continuous_ ? "continuous" : "discrete") + " ones");
  }
  policy_ = agent_->make_policy();
  eval_policy_ = agent_->make_policy();

  replay::ReplayConfig replay_config;
  replay_config.capacity = options_.replay_capacity;
  replay_config.obs_shape = spec_.obs_shape;
  replay_config.binary_observations = spec_.binary_observations;
  replay_config.action_dim = continuous_ ? spec_.action_dim : 0;
  replay_config.num_actions = continuous_ ? 0 : spec_.num_actions;
  // Refuses a capacity beyond the machine's memory.
  replay_ = std::make_unique<replay::ReplayBuffer>(replay_config);

  obs_.resize(spec_.obs_size());
  next_obs_.resize(spec_.obs_size());
  continuous_action_.resize(continuous_ ? spec_.action_dim : 0);
  env_action_.resize(continuous_action_.size());
}

// A new run: seeded environments, and the resolved config and build facts for anyone reading
// the run later.
void Trainer::start() {
  env_->reset(static_cast<uint32_t>(options_.seed));
  eval_env_->reset(static_cast<uint32_t>(options_.seed + 1));
  const fs::path run_dir(dir_);
  write_file_atomic((run_dir / "config.toml").string(), request_.config.to_toml());
  const BuildInfo& info = build_info();
  nlohmann::json meta = {{"command", request_.command_line},
                         {"started", iso_time_now()},
                         {"arq_version", info.version},
                         {"git_commit", info.git_commit},
                         {"build_type", info.build_type},
                         {"compiler", info.compiler},
                         {"compile_flags", info.compile_flags},
                         {"simd", info.simd},
                         {"isa", machine_.at("isa")},
                         {"precision", nn::precision_name(options_.precision)},
                         {"env", spec_.id},
                         {"agent", agent_->name()}};
  if (machine_.contains("local_threads")) meta["local_threads"] = machine_.at("local_threads");
  // Which bf16 kernel ran (the bits do not depend on it).
  if (options_.precision == nn::Precision::kBf16) {
    meta["bf16_kernel"] = nn::bf16_kernel_name(nn::active_bf16_kernel());
  }
  write_file_atomic((run_dir / "run.json").string(), meta.dump(2) + "\n");
}

// Continues from the checkpoint: weights, replay, counters, random streams and the logs cut back
// to it.
void Trainer::resume() {
  warn_if_machine_differs(dir_, machine_);
  // The logs must agree with the checkpoint before anything is loaded or cut.
  const std::vector<CsvWriter::ResumeCut> log_cuts = plan_log_cuts(dir_, *checkpoint_status(dir_));
  const CheckpointMeta meta = read_checkpoint(dir_, *agent_, replay_.get());
  const nlohmann::json& s = meta.trainer;
  step_ = meta.steps_done;
  try {
    if (s.contains("epsilon_decay_steps")) {
      // A decay that has finished stays finished: a longer run (whose fraction-based decay would
      // reach past this step) must not raise epsilon again. One still under way stretches.
      const int64_t previous = s.at("epsilon_decay_steps").get<int64_t>();
      if (step_ >= options_.learning_starts + previous) decay_steps_ = previous;
    }
    episodes_ = s.at("episodes").get<int64_t>();
    updates_ = s.at("updates").get<int64_t>();
    for (double r : s.at("recent_returns")) recent_returns_.push_back(r);
    for (const auto& [key, value] : s.at("metric_sums").items()) {
      metric_sums_[key] = {value.at(0).get<double>(), value.at(1).get<int64_t>()};
    }
    restore_rng(explore_rng_, s.at("explore_rng").get<std::string>());
    restore_rng(replay_rng_, s.at("replay_rng").get<std::string>());
    restore_rng(eval_rng_, s.at("eval_rng").get<std::string>());
    env_->restore_stream_state(s.at("env_stream").get<std::string>());
    eval_env_->restore_stream_state(s.at("eval_env_stream").get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw Error("checkpoint in '" + dir_ + "': invalid trainer state (" + json_error_text(e) + ")");
  }
  env_->reset();
  for (const auto& cut : log_cuts) CsvWriter::apply(cut);  // only rows written after it go
}

// metrics.csv's columns are fixed by the agent. TensorBoard event files use CleanRL's tag names
// (a new file per process, so a resumed run adds one; TensorBoard merges them).
void Trainer::open_logs() {
  const fs::path run_dir(dir_);
  agent_metrics_ = agent_->metric_names();
  std::vector<std::string> columns = {"step", "episodes", "epsilon", "recent_return", "updates"};
  columns.insert(columns.end(), agent_metrics_.begin(), agent_metrics_.end());
  log_row_.reserve(columns.size());
  for (const auto& name : agent_metrics_) loss_tags_.push_back("losses/" + name);
  metrics_csv_.emplace((run_dir / "metrics.csv").string(), columns);
  episodes_csv_.emplace((run_dir / "episodes.csv").string(),
                        std::vector<std::string>{"step", "episode", "return", "length"});
  eval_csv_.emplace((run_dir / "eval.csv").string(),
                    std::vector<std::string>{"step", "mean_return", "std_return", "min_return",
                                             "max_return", "episodes"});
  tensorboard_.emplace(dir_);
  wall_start_ = std::chrono::steady_clock::now();
  first_step_ = step_;
}

TrainSummary Trainer::run() {
  const int64_t total = options_.total_steps;
  if (step_ == 0) last_eval_ = evaluate_now();
  env_->observation(obs_);
  const int64_t every = options_.checkpoint_frequency;
  next_checkpoint_ = every > 0 ? (step_ / every + 1) * every : total;
  ProgressLine progress(total, step_);
  bool stop_requested = false;  // by request.on_step

  while (step_ < total) {
    double epsilon = 0.0;
    const StepResult result = act(epsilon);
    episode_return_ += result.reward;
    ++episode_length_;
    const int64_t t = step_;  // index of the step just taken
    ++step_;
    const bool boundary = result.done();
    if (boundary) {
      close_episode();
    } else {
      std::swap(obs_, next_obs_);
    }

    maybe_update(t);
    const double recent = recent_return();
    if (step_ % options_.log_frequency == 0 || step_ == total) log(epsilon, recent);
    if ((options_.eval_frequency > 0 && step_ % options_.eval_frequency == 0) || step_ == total) {
      last_eval_ = evaluate_now();
    }
    if (!request_.quiet) progress.update(step_, recent, epsilon);
    if (request_.on_step && !request_.on_step({step_, total, episodes_, recent, epsilon})) {
      stop_requested = true;
    }
    if (!boundary) continue;

    // Checkpoints are taken between episodes so a resume replays the same episodes exactly.
    const bool stop_here =
        stop_requested || (request_.stop_after_steps >= 0 && step_ >= request_.stop_after_steps);
    if ((step_ >= next_checkpoint_ || stop_here) && step_ < total) {  // the final one follows
      checkpoint(false);
      while (next_checkpoint_ <= step_) next_checkpoint_ += std::max<int64_t>(every, 1);
    }
    if (stop_here && step_ < total) return summary(false);
    // The final checkpoint keeps the stream as it is, like every other, for an extension.
    if (step_ == total) break;
    env_->reset();
    policy_->begin_episode();
    env_->observation(obs_);
  }
  if (!request_.quiet) progress.finish();
  // The final weights, for `arq eval` and analysis, with the replay buffer so that a larger
  // run.total_steps can extend the run exactly.
  checkpoint(true);
  return summary(true);
}

StepResult Trainer::act(double& epsilon) {
  if (continuous_) return act_continuous(epsilon);
  epsilon = epsilon_.at(step_);
  return act_discrete(epsilon);
}

StepResult Trainer::act_discrete(double epsilon) {
  const int action =
      epsilon_greedy_action(*policy_, obs_, epsilon, spec_.num_actions, explore_rng_);
  const StepResult result = env_->step(action);
  env_->observation(next_obs_);
  replay_->add(obs_, action, static_cast<float>(result.reward), next_obs_, result.terminated,
               cut_by_run_end(result));
  return result;
}

// Continuous control (SAC): uniform random actions for the first learning_starts steps (the
// "seed steps"), then samples of the agent's stochastic policy; "epsilon" logs which one.
StepResult Trainer::act_continuous(double& epsilon) {
  const bool seed_step = step_ < options_.learning_starts;
  epsilon = seed_step ? 1.0 : 0.0;
  if (seed_step) {
    for (float& value : continuous_action_) {
      value = static_cast<float>(static_cast<double>(explore_rng_() >> 11) * 0x1.0p-52 - 1.0);
    }
  } else {
    policy_->act_continuous(obs_, true, explore_rng_, continuous_action_);
  }
  std::copy(continuous_action_.begin(), continuous_action_.end(), env_action_.begin());
  const StepResult result = env_->step_continuous(env_action_);
  env_->observation(next_obs_);
  replay_->add_continuous(obs_, continuous_action_, static_cast<float>(result.reward), next_obs_,
                          result.terminated, cut_by_run_end(result));
  return result;
}

// The run's last step cuts the episode under way, as a time limit would. Stored as truncated,
// it leaves the final checkpoint's replay buffer between episodes, so an extension of the run
// starts a new one. Nothing sampled so far changes: bootstrapping reads `terminated` only, and
// the flag marks where the *next* episode's windows start.
bool Trainer::cut_by_run_end(const StepResult& result) const {
  return result.truncated || step_ + 1 == options_.total_steps;
}

void Trainer::close_episode() {
  ++episodes_;
  episodes_csv_->row({static_cast<double>(step_), static_cast<double>(episodes_), episode_return_,
                      static_cast<double>(episode_length_)});
  tensorboard_->add_scalar("charts/episodic_return", step_, episode_return_);
  tensorboard_->add_scalar("charts/episodic_length", step_, static_cast<double>(episode_length_));
  recent_returns_.push_back(episode_return_);
  if (recent_returns_.size() > kRecentEpisodes) recent_returns_.pop_front();
  episode_return_ = 0.0;
  episode_length_ = 0;
}

// Every train_frequency steps after learning_starts an update; every target_update_frequency
// steps a hard target copy. `t` is the index of the step just taken.
void Trainer::maybe_update(int64_t t) {
  if (t <= options_.learning_starts) return;
  if (t % options_.train_frequency == 0) {
    const Metrics* metrics = nullptr;
    try {
      metrics = &agent_->update(*replay_, replay_rng_);
    } catch (const DivergenceError& e) {
      throw diverged_at(step_, e.what(), dir_);
    }
    check_update_metrics(*metrics, step_, options_.max_td_loss, dir_);
    ++updates_;
    for (const auto& [key, value] : *metrics) {
      MetricSum& sum = metric_sums_[key];
      sum.sum += value;
      ++sum.count;
    }
  }
  if (t % options_.target_update_frequency == 0) agent_->sync_target();
}

double Trainer::recent_return() const {
  if (recent_returns_.empty()) return 0.0;
  return std::accumulate(recent_returns_.begin(), recent_returns_.end(), 0.0) /
         static_cast<double>(recent_returns_.size());
}

// A metrics.csv row: counters and the mean of each agent metric since the previous row.
void Trainer::log(double epsilon, double recent) {
  log_row_.assign({static_cast<double>(step_), static_cast<double>(episodes_), epsilon, recent,
                   static_cast<double>(updates_)});
  for (size_t i = 0; i < agent_metrics_.size(); ++i) {
    const auto it = metric_sums_.find(agent_metrics_[i]);
    const double mean = it == metric_sums_.end() || it->second.count == 0
                            ? NAN
                            : it->second.sum / static_cast<double>(it->second.count);
    log_row_.push_back(mean);
    if (!std::isnan(mean)) tensorboard_->add_scalar(loss_tags_[i], step_, mean);
  }
  metrics_csv_->row(log_row_);
  tensorboard_->add_scalar("charts/epsilon", step_, epsilon);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  if (seconds > 0) {
    tensorboard_->add_scalar("charts/SPS", step_,
                             static_cast<double>(step_ - first_step_) / seconds);
  }
  tensorboard_->flush();
  for (auto& [name, sum] : metric_sums_) sum = {};
}

// Evaluation episodes on the separate environment and policy; returns the mean return.
double Trainer::evaluate_now() {
  const EvalResult result = evaluate(*eval_env_, *eval_policy_, options_.eval, eval_rng_);
  const auto [lo, hi] = std::minmax_element(result.returns.begin(), result.returns.end());
  eval_csv_->row({static_cast<double>(step_), result.mean(), result.stddev(), *lo, *hi,
                  static_cast<double>(result.returns.size())});
  tensorboard_->add_scalar("eval/mean_return", step_, result.mean());
  tensorboard_->flush();
  return result.mean();
}

void Trainer::checkpoint(bool finished) {
  nlohmann::json trainer_state = state();
  if (finished) trainer_state["finished"] = true;
  write_checkpoint(dir_, CheckpointMeta{step_, trainer_state}, *agent_, replay_.get());
}

// The trainer's part of a checkpoint: enough to continue bit for bit.
nlohmann::json Trainer::state() const {
  nlohmann::json sums = nlohmann::json::object();
  for (const auto& [key, value] : metric_sums_) {
    if (value.count > 0) sums[key] = {value.sum, value.count};
  }
  return nlohmann::json{
      {"episodes", episodes_},
      {"updates", updates_},
      {"recent_returns", std::vector<double>(recent_returns_.begin(), recent_returns_.end())},
      {"metric_sums", sums},
      {"explore_rng", rng_text(explore_rng_)},
      {"replay_rng", rng_text(replay_rng_)},
      {"eval_rng", rng_text(eval_rng_)},
      {"env_stream", env_->stream_state()},
      {"eval_env_stream", eval_env_->stream_state()},
      {"epsilon_decay_steps", decay_steps_},
      {"log_bytes", log_sizes(dir_)}};
}

TrainSummary Trainer::summary(bool finished) const {
  TrainSummary summary;
  summary.run_dir = dir_;
  summary.steps = step_;
  summary.episodes = episodes_;
  summary.final_eval_mean = last_eval_;
  summary.finished = finished;
  return summary;
}

}  // namespace

std::string default_run_name(const Config& config) {
  std::string env = config.get_string("run.env");
  std::replace(env.begin(), env.end(), '/', '-');
  return env + "__" + config.get_string("run.agent") + "__" +
         std::to_string(config.get_int("run.seed")) + "__" + std::to_string(std::time(nullptr));
}

TrainSummary train(const TrainRequest& request, const AgentFactory& make_agent) {
  return Trainer(request, make_agent).run();
}

}  // namespace arq
