#include "arq/report/run_record.h"

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "arq/core/csv_table.h"
#include "arq/core/error.h"
#include "arq/report/report_task.h"
#include "arq/sweep/manifest.h"
#include "arq/sweep/run_state.h"

namespace arq::report {
namespace {

namespace fs = std::filesystem;

std::string canonical_text(const fs::path& path) {
  std::error_code error;
  const fs::path resolved = fs::weakly_canonical(path, error);
  return (error ? fs::absolute(path) : resolved).lexically_normal().string();
}

}  // namespace

double RunRecord::final_return() const {
  if (evals.empty()) throw Error("run '" + dir + "' has no evaluation yet");
  return evals.back().mean_return;
}

double RunRecord::curve_mean() const {
  if (evals.empty()) throw Error("run '" + dir + "' has no evaluation yet");
  double sum = 0.0;
  for (const auto& point : evals) sum += point.mean_return;
  return sum / static_cast<double>(evals.size());
}

std::optional<double> RunRecord::training_return() const {
  if (training_episodes.empty()) return std::nullopt;
  const size_t count = std::min(training_episodes.size(), kTrainingReturnEpisodes);
  double sum = 0.0;
  for (size_t i = training_episodes.size() - count; i < training_episodes.size(); ++i)
    sum += training_episodes[i].episode_return;
  return sum / static_cast<double>(count);
}

RunRecord cut_at_step(RunRecord run, int64_t step) {
  if (step <= 0) {
    throw Error("--at-step must be a positive number of environment steps, got " +
                std::to_string(step));
  }
  run.cut_step = step;
  const bool evaluated_beyond = !run.evals.empty() && run.evals.back().step >= step;
  std::erase_if(run.evals, [step](const EvalPoint& point) { return point.step > step; });
  std::erase_if(run.training_episodes,
                [step](const TrainingEpisode& episode) { return episode.step > step; });
  run.reached_cut_step = evaluated_beyond && !run.evals.empty();
  return run;
}

RunRecord load_run(const std::string& dir, const std::string& method) {
  RunRecord run;
  run.dir = dir;
  const fs::path config_path = fs::path(dir) / "config.toml";
  if (!fs::exists(config_path)) throw Error("run folder '" + dir + "' has no config.toml");
  toml::table config;
  try {
    config = toml::parse_file(config_path.string());
  } catch (const toml::parse_error& e) {
    throw Error("'" + config_path.string() + "': " + std::string(e.description()));
  }
  const auto env = config["run"]["env"].value<std::string>();
  const auto agent = config["run"]["agent"].value<std::string>();
  const auto seed = config["run"]["seed"].value<int64_t>();
  if (!env || !agent || !seed) {
    throw Error("'" + config_path.string() + "' lacks run.env, run.agent or run.seed");
  }
  run.env = *env;
  run.seed = *seed;
  run.method = method.empty() ? *agent : method;
  run.environment_steps_per_agent_step = environment_steps_per_agent_step(run.env);
  const int64_t scale = run.environment_steps_per_agent_step;
  run.total_steps = config["run"]["total_steps"].value<int64_t>();
  if (run.total_steps) *run.total_steps *= scale;

  const std::string eval_path = (fs::path(dir) / "eval.csv").string();
  const CsvTable table = read_csv(eval_path);
  const size_t step = table.column("step", eval_path);
  const size_t mean = table.column("mean_return", eval_path);
  for (const auto& row : table.rows) {
    run.evals.push_back({static_cast<int64_t>(row[step]) * scale, row[mean]});
  }
  std::stable_sort(run.evals.begin(), run.evals.end(),
                   [](const EvalPoint& a, const EvalPoint& b) { return a.step < b.step; });

  const fs::path episodes_path = fs::path(dir) / "episodes.csv";
  if (fs::exists(episodes_path)) {
    const CsvTable episodes = read_csv(episodes_path.string());
    const size_t end_step = episodes.column("step", episodes_path.string());
    const size_t episode_return = episodes.column("return", episodes_path.string());
    run.training_episodes.reserve(episodes.rows.size());
    for (const auto& row : episodes.rows) {
      run.training_episodes.push_back(
          {static_cast<int64_t>(row[end_step]) * scale, row[episode_return]});
    }
    std::stable_sort(
        run.training_episodes.begin(), run.training_episodes.end(),
        [](const TrainingEpisode& a, const TrainingEpisode& b) { return a.step < b.step; });
  }
  run.complete = sweep::inspect_run(dir).state == sweep::RunState::kComplete;
  return run;
}

std::vector<RunRecord> load_runs(const std::vector<std::string>& inputs,
                                 std::vector<std::string>* warnings) {
  std::map<std::string, std::string> labels;  // canonical run folder -> method label
  // Canonical folder -> the folder as reached from the inputs as given: reports name runs the
  // way the user named their inputs (relative stays relative), so they can be committed.
  std::map<std::string, std::string> shown;
  std::vector<std::string> ordered;
  auto consider = [&](const fs::path& path) {
    if (path.filename() == "manifest.tsv") {
      try {
        const sweep::Manifest manifest = sweep::read_manifest(path.string());
        for (const auto& entry : manifest.entries)
          labels[canonical_text(manifest.run_dir(entry))] = entry.method;
      } catch (const Error& e) {
        warnings->push_back(std::string("ignored ") + e.what());
      }
    } else if (path.filename() == "eval.csv") {
      const std::string folder = canonical_text(path.parent_path());
      if (shown.emplace(folder, path.parent_path().lexically_normal().string()).second) {
        ordered.push_back(folder);
      }
    }
  };
  for (const auto& input : inputs) {
    const fs::path root(input);
    if (!fs::exists(root)) throw Error("report input '" + input + "' does not exist");
    if (!fs::is_directory(root)) throw Error("report input '" + input + "' is not a folder");
    for (const auto& item :
         fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied)) {
      if (item.is_regular_file()) consider(item.path());
    }
  }
  std::sort(ordered.begin(), ordered.end());
  std::vector<RunRecord> runs;
  for (const auto& folder : ordered) {
    const auto label = labels.find(folder);
    try {
      RunRecord run = load_run(shown.at(folder), label == labels.end() ? "" : label->second);
      if (run.evals.empty()) {
        warnings->push_back("skipped '" + shown.at(folder) + "': no evaluation yet");
        continue;
      }
      runs.push_back(std::move(run));
    } catch (const Error& e) {
      warnings->push_back(std::string("skipped: ") + e.what());
    }
  }
  return runs;
}

}  // namespace arq::report
