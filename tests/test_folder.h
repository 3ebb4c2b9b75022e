#pragma once
// A fresh temporary folder per test, removed afterwards, and small helpers to fabricate files.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace arq::testing {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "arq-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A run folder as the trainer writes it: config.toml and eval.csv with `evals` (step, return)
// rows; a checkpoint sidecar when checkpoint_step >= 0.
inline void fabricate_run(const std::filesystem::path& dir, const std::string& agent,
                          const std::string& env, int seed, int total_steps,
                          const std::vector<std::pair<int, double>>& evals,
                          int checkpoint_step = -1) {
  write_text(dir / "config.toml", "[run]\nagent = \"" + agent + "\"\nenv = \"" + env +
                                      "\"\nseed = " + std::to_string(seed) +
                                      "\ntotal_steps = " + std::to_string(total_steps) + "\n");
  std::string eval = "step,mean_return,std_return,min_return,max_return,episodes\n";
  for (const auto& [step, value] : evals) {
    eval += std::to_string(step) + "," + std::to_string(value) + ",0,0,0,10\n";
  }
  write_text(dir / "eval.csv", eval);
  write_text(dir / "metrics.csv", "step,episodes,epsilon,recent_return,updates\n");
  if (checkpoint_step >= 0) {
    write_text(dir / "checkpoints" / "checkpoint.json",
               "{\"steps_done\": " + std::to_string(checkpoint_step) + "}\n");
  }
}

}  // namespace arq::testing
