#pragma once
// The published numbers we compare against (docs/algorithms.md §11): the
// ARQ paper's main table, the AD paper's figure read-outs and the ARQ ablation plot read-outs.
#include <optional>
#include <string>
#include <vector>

namespace arq::report {

struct PaperResult {
  std::string method;  // as the paper names it: "ARQ", "AD", "DQN", "SAC", "TD-MPC2", ...
  std::string task;    // the paper's task name: "Breakout", "Walker Walk", ...
  double value = 0.0;
  std::optional<double> plus_minus;  // the paper's "±" (its meaning is not stated)
  bool approximate = false;          // read off a plot
  std::string source;                // short citation
};

const std::vector<PaperResult>& paper_results();

// "minatar/space_invaders-v1" -> "SpaceInvaders", "dmc/walker-walk" -> "Walker Walk"; empty
// when the environment is not one the papers report.
std::string paper_task_name(const std::string& env_id);

// True when our method label names the paper's method ("arq" ~ "ARQ", "AD w/ AC" ~ "ad-w-ac").
bool same_method(const std::string& ours, const std::string& paper);

}  // namespace arq::report
