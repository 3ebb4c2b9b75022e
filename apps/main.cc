// arq: the command-line tool. It only parses and dispatches; the work lives in the library.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "apps/commands.h"
#include "arq/core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"arq: local (backprop-free) deep reinforcement learning"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return arq::cli::version_text(); });
  arq::cli::add_rollout_command(app);
  arq::cli::add_bench_command(app);
  arq::cli::add_play_command(app);
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  arq::cli::add_train_command(app, command_line);
  arq::cli::add_eval_command(app);
  arq::cli::add_sweep_command(app);
  arq::cli::add_report_command(app);
  arq::cli::add_render_command(app);
  arq::cli::add_q_command(app);
  arq::cli::add_analyze_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const arq::Error& e) {
    std::fprintf(stderr, "arq: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arq: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
