// The checkpoint sidecar (<run>/checkpoints/checkpoint.json): checkpoint_status reads and
// validates it before a resume, `arq report` or `arq eval` touches anything it names.
#include "arq/train/checkpoint.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  static const fs::path run_dir = [] {
    const fs::path dir = arq::fuzz::scratch_dir() / "run";
    fs::create_directories(dir / "checkpoints");
    return dir;
  }();
  arq::fuzz::write_bytes(run_dir / "checkpoints" / "checkpoint.json",
                         arq::fuzz::as_text(data, size));
  arq::fuzz::allow_user_errors([&] {
    const auto status = arq::checkpoint_status(run_dir.string());
    if (!status) arq::fuzz::fail("the sidecar was not found");
    if (status->steps_done < 0) arq::fuzz::fail("a negative steps_done was accepted");
    if (!status->trainer.is_object()) arq::fuzz::fail("a trainer state that is not an object");
  });
  return 0;
}
