#include "apps/commands.h"
#include "arq/core/build_info.h"
#include "arq/core/isa.h"

namespace arq::cli {

std::string version_text() {
  const BuildInfo& info = build_info();
  std::string supported;
  for (const IsaLevel level : all_isa_levels()) {
    if (!cpu_supports(level)) continue;
    supported += (supported.empty() ? "" : ", ") + std::string(isa_name(level));
  }
  if (cpu_supports_avx512_bf16()) supported += ", avx512_bf16";  // nn.precision = bf16's kernel
  return "arq " + std::string(info.version) + " (commit " + std::string(info.git_commit) + ", " +
         std::string(info.build_type) + ", " + std::string(info.compiler) + ", compiled for " +
         std::string(info.simd) + "; kernels: " + std::string(isa_name(active_isa_level())) +
         ", CPU has " + supported + ")";
}

}  // namespace arq::cli
