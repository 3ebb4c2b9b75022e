#pragma once
// Facts about this build, recorded into every run folder.
#include <string_view>

namespace arq {

struct BuildInfo {
  std::string_view version;
  std::string_view git_commit;
  std::string_view build_type;
  std::string_view compiler;
  std::string_view compile_flags;
  std::string_view simd;  // widest vector instruction set this binary was compiled for
};

const BuildInfo& build_info();

}  // namespace arq
