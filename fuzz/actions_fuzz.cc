// Action files of `arq rollout --actions FILE`. The first input byte picks the reader (even:
// MinAtar, one integer a line; odd: DMC with action_dim = 1 + byte / 2 % 6, numbers in [-1, 1]);
// the rest is the file.
#include <cmath>

#include "arq/env/dmc/rollout.h"
#include "arq/env/minatar/rollout.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path path = arq::fuzz::scratch_dir() / "actions.txt";
  arq::fuzz::write_bytes(path, arq::fuzz::as_text(data + 1, size - 1));
  const bool dmc = (data[0] & 1) != 0;
  const int action_dim = 1 + data[0] / 2 % 6;
  arq::fuzz::allow_user_errors([&] {
    if (dmc) {
      const std::vector<double> actions = arq::dmc::read_action_file(path.string(), action_dim);
      if (actions.size() % static_cast<size_t>(action_dim) != 0) {
        arq::fuzz::fail("a partial row of DMC actions");
      }
      for (double a : actions) {
        if (!(a >= arq::dmc::kActionMin && a <= arq::dmc::kActionMax)) {
          arq::fuzz::fail("a DMC action outside [-1, 1] (or NaN) was accepted");
        }
      }
    } else {
      (void)arq::minatar::read_action_file(path.string());
    }
  });
  return 0;
}
