#include "arq/env/dmc/models.h"

#include <map>
#include <mutex>
#include <string>

#include "arq/core/error.h"

namespace arq::dmc {

ModelPtr load_domain_model(std::string_view domain) {
  // Parsing the XML and building the textures dominates environment construction; compile each
  // domain once and hand out copies.
  static std::mutex mutex;
  static std::map<std::string, ModelPtr, std::less<>> compiled;
  const std::lock_guard<std::mutex> lock(mutex);
  auto found = compiled.find(domain);
  if (found == compiled.end()) {
    std::string_view mjcf;
    if (domain == "walker") {
      mjcf = walker_mjcf();
    } else if (domain == "hopper") {
      mjcf = hopper_mjcf();
    } else if (domain == "cheetah") {
      mjcf = cheetah_mjcf();
    } else if (domain == "reacher") {
      mjcf = reacher_mjcf();
    } else {
      throw Error("unknown DMC domain '" + std::string(domain) +
                  "' (expected walker, hopper, cheetah or reacher)");
    }
    const std::string file_name = std::string(domain) + ".xml";
    ModelPtr model = compile_mjcf({{file_name, mjcf}, {"common/assets.xml", common_assets_mjcf()}});
    found = compiled.emplace(std::string(domain), std::move(model)).first;
  }
  return copy_model(*found->second);
}

}  // namespace arq::dmc
