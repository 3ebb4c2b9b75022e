// The sweep spec (`arq sweep FILE`): load_sweep_file on the input written as a .toml file, then
// its expansion into runs, as `arq sweep` does before it writes the manifest.
#include <string>

#include "arq/sweep/manifest.h"
#include "arq/sweep/sweep_spec.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arq::sweep;
  // Like configs/sweeps/<name>.toml: presets named "../<preset>.toml" exist (with a total_steps).
  static const std::filesystem::path path = [] {
    const std::filesystem::path dir = arq::fuzz::scratch_dir();
    std::filesystem::create_directories(dir / "sweeps");
    for (const char* agent : {"arq", "ad", "dqn", "sac", "tdmpc2"}) {
      for (const char* suite : {"minatar", "dmc"}) {
        for (const char* scale : {"", "-cpu"}) {
          arq::fuzz::write_bytes(dir / (std::string(agent) + "-" + suite + scale + ".toml"),
                                 "[run]\ntotal_steps = 1000\n");
        }
      }
    }
    return dir / "sweeps" / "sweep.toml";
  }();
  arq::fuzz::write_bytes(path, arq::fuzz::as_text(data, size));
  arq::fuzz::allow_user_errors([&] {
    const SweepSpec spec = load_sweep_file(path.string());
    // Sweeps beyond 10,000 runs are slow to expand and say nothing new (expand_sweep refuses
    // more than kMaxSweepRuns before building anything; a unit test covers that).
    if (sweep_run_bound(spec) > 10'000) return;
    ExpandOptions options;
    options.default_trainer = "arq train";
    options.out_dir = (arq::fuzz::scratch_dir() / "out").string();
    const Manifest manifest = expand_sweep(spec, options);
    for (const auto& entry : manifest.entries) {
      if (entry.id.empty() || entry.id.find('/') != std::string::npos) {
        arq::fuzz::fail("a run id that is not a plain file name");
      }
    }
  });
  return 0;
}
