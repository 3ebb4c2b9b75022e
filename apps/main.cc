// arq: the command-line tool. It only parses and dispatches; the work lives in the library.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>
#include <string>

#include "apps/commands.h"
#include "arq/core/error.h"
#include "arq/core/printable.h"

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
  } catch (const arq::DivergenceError& e) {
    std::fprintf(stderr, "arq: error: %s\n", arq::printable(e.what()).c_str());
    return 4;
  } catch (const arq::Error& e) {
    std::fprintf(stderr, "arq: error: %s\n", arq::printable(e.what()).c_str());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // A folder that cannot be created or read, a file where a folder should be: the user's to
    // fix, so named like every other bad input.
    std::string paths = "'" + e.path1().string() + "'";
    if (!e.path2().empty()) paths += " -> '" + e.path2().string() + "'";
    std::fprintf(stderr, "arq: error: %s: %s\n", arq::printable(paths).c_str(),
                 e.code().message().c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(
        stderr,
        "arq: error: out of memory (a smaller replay.capacity, batch or network may fit)\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "arq: internal error: %s\n", arq::printable(e.what()).c_str());
    return 3;
  }
  return 0;
}
