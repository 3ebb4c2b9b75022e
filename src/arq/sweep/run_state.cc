#include "arq/sweep/run_state.h"

#include <toml++/toml.h>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "arq/core/csv_table.h"
#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq::sweep {
namespace {

namespace fs = std::filesystem;

int64_t checkpoint_step(const fs::path& run_dir) {
  const fs::path sidecar = run_dir / "checkpoints" / "checkpoint.json";
  if (!fs::exists(sidecar)) return -1;
  try {
    const auto json = nlohmann::json::parse(read_file(sidecar.string()));
    // The sidecar is written last and atomically, so it always names a complete checkpoint.
    if (json.contains("steps_done")) return json.at("steps_done").get<int64_t>();
    if (json.contains("step")) return json.at("step").get<int64_t>();
    return 0;
  } catch (const nlohmann::json::exception&) {
    throw Error("checkpoint sidecar '" + sidecar.string() + "' is not valid JSON");
  }
}

}  // namespace

const char* to_string(RunState state) {
  switch (state) {
    case RunState::kNotStarted:
      return "pending";
    case RunState::kPartial:
      return "partial";
    case RunState::kResumable:
      return "resumable";
    case RunState::kComplete:
      return "complete";
  }
  return "?";
}

std::optional<int64_t> configured_total_steps(const std::string& run_dir) {
  const fs::path config = fs::path(run_dir) / "config.toml";
  if (!fs::exists(config)) return std::nullopt;
  try {
    const toml::table table = toml::parse_file(config.string());
    if (auto steps = table["run"]["total_steps"].value<int64_t>()) return *steps;
  } catch (const toml::parse_error& e) {
    throw Error("'" + config.string() + "': " + std::string(e.description()));
  }
  return std::nullopt;
}

RunStatus inspect_run(const std::string& run_dir, std::optional<int64_t> expected_total_steps) {
  RunStatus status;
  const fs::path dir(run_dir);
  if (!fs::is_directory(dir)) {
    status.detail = "not started";
    return status;
  }
  status.total_steps = configured_total_steps(run_dir);
  status.checkpoint_step = checkpoint_step(dir);
  const fs::path eval = dir / "eval.csv";
  if (fs::exists(eval)) {
    const CsvTable table = read_csv(eval.string());
    if (!table.rows.empty()) {
      status.last_eval_step =
          static_cast<int64_t>(table.rows.back()[table.column("step", eval.string())]);
    }
  }
  const bool budget_agrees =
      !expected_total_steps || !status.total_steps || *expected_total_steps == *status.total_steps;
  if (status.total_steps && budget_agrees && status.last_eval_step == *status.total_steps) {
    status.state = RunState::kComplete;
    status.detail = "complete at step " + std::to_string(status.last_eval_step);
  } else if (status.checkpoint_step >= 0) {
    status.state = RunState::kResumable;
    status.detail = "checkpoint at step " + std::to_string(status.checkpoint_step);
  } else if (fs::exists(dir / "metrics.csv") || fs::exists(eval)) {
    status.state = RunState::kPartial;
    status.detail = "logs up to step " + std::to_string(status.last_eval_step) + ", no checkpoint";
  } else {
    status.detail = "not started";
  }
  if (status.state != RunState::kComplete && !budget_agrees) {
    status.detail += " (config.toml asks for " + std::to_string(*status.total_steps) +
                     " steps, the sweep for " + std::to_string(*expected_total_steps) + ")";
  }
  return status;
}

}  // namespace arq::sweep
