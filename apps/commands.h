#pragma once
// Each subcommand registers itself on the CLI app; one file per command.
#include <CLI/CLI.hpp>
#include <string>

namespace arq::cli {

std::string version_text();
void add_rollout_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_play_command(CLI::App& app);
void add_train_command(CLI::App& app, const std::string& command_line);
void add_eval_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_render_command(CLI::App& app);
void add_q_command(CLI::App& app);
void add_analyze_command(CLI::App& app);

}  // namespace arq::cli
