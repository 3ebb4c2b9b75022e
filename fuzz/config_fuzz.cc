// The `arq train` config: a TOML preset (--config) and then --set values, applied to the real
// schema (make_train_config). Input: TOML text; the lines after a line "#--set" (a TOML comment)
// are applied one by one as --set assignments. An accepted config must reload from its own
// to_toml() (a run folder's config.toml) to the same config.
#include <string>

#include "arq/train/train_config.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const arq::Config schema = arq::make_train_config();
  const std::string input(arq::fuzz::as_text(data, size));
  const std::string marker = "#--set\n";
  const size_t split = input.starts_with(marker) ? 0 : input.find("\n" + marker);
  const std::string toml = split == std::string::npos ? input : input.substr(0, split);
  std::string overrides =
      split == std::string::npos ? "" : input.substr(split + (split == 0 ? 0 : 1) + marker.size());

  arq::fuzz::allow_user_errors([&] {
    arq::Config config = schema;
    config.load_toml_string(toml, "fuzz.toml");
    size_t begin = 0;
    while (begin < overrides.size()) {
      size_t end = overrides.find('\n', begin);
      if (end == std::string::npos) end = overrides.size();
      config.apply_override(overrides.substr(begin, end - begin));
      begin = end + 1;
    }
    const std::string resolved = config.to_toml();
    arq::Config reloaded = schema;
    try {
      reloaded.load_toml_string(resolved, "config.toml");
    } catch (const arq::Error& e) {
      std::fprintf(stderr, "reloading:\n%s\nfailed: %s\n", resolved.c_str(), e.what());
      arq::fuzz::fail("an accepted config does not reload from its to_toml()");
    }
    if (reloaded.to_toml() != resolved) {
      arq::fuzz::fail("an accepted config reloads to a different config");
    }
  });
  return 0;
}
