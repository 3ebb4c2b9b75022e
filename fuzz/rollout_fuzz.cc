// Rollout files written by `arq rollout` and read back by `arq analyze` (plain or gzip):
// read_rollout_observations on the input written to a file.
#include "arq/analysis/rollout_observations.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arq::analysis;
  static const std::filesystem::path path = arq::fuzz::scratch_dir() / "rollout.jsonl";
  arq::fuzz::write_bytes(path, arq::fuzz::as_text(data, size));
  arq::fuzz::allow_user_errors([&] {
    const RolloutObservations rollout = read_rollout_observations(path.string());
    const auto count = static_cast<size_t>(rollout.count());
    if (rollout.observation_size <= 0 ||
        rollout.values.size() != count * static_cast<size_t>(rollout.observation_size) ||
        rollout.episodes.size() != count || rollout.lines.size() != count ||
        rollout.starts.size() != count) {
      arq::fuzz::fail("the rollout's columns disagree in length");
    }
  });
  return 0;
}
