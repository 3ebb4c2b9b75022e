#pragma once
// One master seed -> independent, reproducible streams per purpose (env, exploration, replay
// sampling, network init, evaluation), so changing one consumer never shifts another's stream.
#include <cstdint>
#include <string_view>

namespace arq {

// SplitMix64 finaliser: a well-mixed 64-bit value from any 64-bit input.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The seed of stream `purpose` under master seed `seed`.
constexpr uint64_t derive_seed(uint64_t seed, std::string_view purpose) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a of the purpose name
  for (char c : purpose) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return mix64(seed ^ mix64(h));
}

}  // namespace arq
