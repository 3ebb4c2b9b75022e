#include "apps/commands.h"
#include "arq/core/build_info.h"

namespace arq::cli {

std::string version_text() {
  const BuildInfo& info = build_info();
  return "arq " + std::string(info.version) + " (commit " + std::string(info.git_commit) + ", " +
         std::string(info.build_type) + ", " + std::string(info.compiler) + ", SIMD " +
         std::string(info.simd) + ")";
}

}  // namespace arq::cli
