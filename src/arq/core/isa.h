#pragma once
// The instruction-set level of the hot kernels (GEMM, ...), chosen once per process.
//
// The build's baseline is x86-64-v3 (AVX2 + FMA); kernels compiled for wider levels sit next to
// it in their own translation units (files named *_avx512.cc get the AVX-512 flags). At the first
// use the level is the widest the CPU and OS support, unless the environment variable ARQ_ISA
// names a lower one; `--set nn.isa=<level>` and tests change it with set_isa_level(). Results are
// bit-identical for the same build, level, seed and thread count, not across levels.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace arq {

// Ordered: a higher level can run everything a lower one can.
enum class IsaLevel {
  kAvx2,    // AVX2 + FMA, 256-bit vectors (x86-64-v3)
  kAvx512,  // AVX-512 F/BW/DQ/VL, 512-bit vectors (x86-64-v4)
};

inline constexpr const char* kIsaEnvironmentVariable = "ARQ_ISA";

// Every level, lowest first.
const std::vector<IsaLevel>& all_isa_levels();
std::string_view isa_name(IsaLevel level);  // "avx2", "avx512"
std::optional<IsaLevel> parse_isa_level(std::string_view name);
// "avx2 | avx512" for messages and help.
std::string isa_level_names();

// Whether this CPU (and the OS, for the wider registers' state) runs the level.
bool cpu_supports(IsaLevel level);
// avx512_bf16 (VDPBF16PS: Zen 4/5, Cooper Lake, Sapphire Rapids) with AVX-512 F/BW/DQ/VL: a
// capability next to the levels rather than a level, since it speeds up only the bf16 products
// (nn/gemm_bf16.h), whose results do not depend on it.
bool cpu_supports_avx512_bf16();
// The widest level the CPU supports.
IsaLevel widest_supported_isa_level();

// The level kernels use now. The first call fixes it from ARQ_ISA (throws arq::Error when the
// variable names an unknown level or one this CPU lacks) or else the widest supported.
IsaLevel active_isa_level();

// Forces the level (throws arq::Error, naming `what` and the CPU's levels, if the CPU lacks it).
void set_isa_level(IsaLevel level, std::string_view what = "ISA level");
// Resolves a setting: "auto" means ARQ_ISA if set, else the widest supported; anything else must
// name a level the CPU has. Applies and returns it.
IsaLevel apply_isa_setting(std::string_view value, std::string_view what);

// Runs body() with code compiled for the active level: the same source, with everything it calls
// inlined (gnu::flatten) into a copy compiled for AVX-512 (32 vector registers, EVEX encodings)
// or into the baseline copy. For kernels written with 256-bit vectors that spill registers at
// the baseline; kernels written for 512-bit vectors have their own *_avx512.cc units instead.
// Bodies must not depend on __AVX512F__ (not defined in the copy).
template <typename Body>
[[gnu::flatten]] inline void run_body_at_baseline(const Body& body) {
  body();
}
template <typename Body>
[[gnu::flatten, gnu::target("avx512f,avx512bw,avx512dq,avx512vl")]] inline void run_body_at_avx512(
    const Body& body) {
  body();
}
template <typename Body>
inline void run_at_isa_level(const Body& body) {
  if (active_isa_level() == IsaLevel::kAvx512) {
    run_body_at_avx512(body);
  } else {
    run_body_at_baseline(body);
  }
}

// Sets a level for one scope (tests), restoring the previous one after.
class ScopedIsaLevel {
 public:
  explicit ScopedIsaLevel(IsaLevel level) : previous_(active_isa_level()) { set_isa_level(level); }
  ~ScopedIsaLevel() { set_isa_level(previous_); }
  ScopedIsaLevel(const ScopedIsaLevel&) = delete;
  ScopedIsaLevel& operator=(const ScopedIsaLevel&) = delete;

 private:
  IsaLevel previous_;
};

}  // namespace arq
