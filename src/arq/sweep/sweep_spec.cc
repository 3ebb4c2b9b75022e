#include "arq/sweep/sweep_spec.h"

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>

#include "arq/core/error.h"
#include "arq/core/text_io.h"

namespace arq::sweep {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kTopLevelKeys = {"name",  "out",   "trainer", "total_steps",
                                             "seeds", "envs",  "set",     "method",
                                             "grid",  "slurm", "extends", "description"};
const std::set<std::string> kMethodKeys = {"name", "config", "agent", "set", "envs"};
// More seeds than any study runs; a larger `seeds.count` is a typo (found by fuzzing: a count of
// 10^15 allocated until the process ran out of memory).
constexpr int64_t kMaxSeeds = 10'000;
const std::set<std::string> kSlurmKeys = {"time",    "mem",          "partition",
                                          "account", "max_parallel", "extra"};

std::string where(const std::string& source, const std::string& key) {
  return "sweep file '" + source + "', key '" + key + "'";
}

void reject_unknown_keys(const toml::table& table, const std::set<std::string>& known,
                         const std::string& source, const std::string& prefix) {
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (known.count(name) == 0) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw Error(where(source, prefix + name) + ": unknown key (expected one of: " + list + ")");
    }
  }
}

std::string get_string(const toml::node& node, const std::string& source, const std::string& key) {
  if (const auto* value = node.as_string()) return value->get();
  throw Error(where(source, key) + ": expected a string");
}

int64_t get_integer(const toml::node& node, const std::string& source, const std::string& key) {
  if (const auto* value = node.as_integer()) return value->get();
  throw Error(where(source, key) + ": expected an integer");
}

// A scalar (or an integer array, for list-valued config keys) in --set syntax.
std::string to_override_text(const toml::node& node, const std::string& source,
                             const std::string& key) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* f = node.as_floating_point()) {
    std::ostringstream out;
    out.precision(17);
    out << f->get();
    return out.str();
  }
  if (const auto* array = node.as_array()) {
    std::string out;
    for (const auto& item : *array) {
      if (!item.is_integer()) throw Error(where(source, key) + ": list values must be integers");
      out += (out.empty() ? "" : ",") + std::to_string(item.as_integer()->get());
    }
    return out;
  }
  throw Error(where(source, key) + ": expected a string, number, boolean or integer list");
}

std::vector<std::string> get_string_list(const toml::node& node, const std::string& source,
                                         const std::string& key) {
  const auto* array = node.as_array();
  if (array == nullptr) throw Error(where(source, key) + ": expected an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *array) out.push_back(get_string(item, source, key));
  return out;
}

void check_assignment(const std::string& assignment, const std::string& source,
                      const std::string& key) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw Error(where(source, key) + ": '" + assignment + "' is not of the form key=value");
  }
}

toml::table parse_table(const std::string& text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << "sweep file '" << source << "': " << e.description() << " (line "
            << e.source().begin.line << ")";
    throw Error(message.str());
  }
}

// Presets named by a file are relative to that file, so sweep files work from any directory.
void resolve_preset_paths(toml::table& table, const fs::path& directory) {
  auto* methods = table["method"].as_array();
  if (methods == nullptr) return;
  for (auto& node : *methods) {
    auto* method = node.as_table();
    if (method == nullptr) continue;
    if (auto* config = (*method)["config"].as_string()) {
      const fs::path path(config->get());
      if (path.is_relative()) *config = (directory / path).lexically_normal().string();
    }
  }
}

void merge_into(toml::table& parent, const toml::table& child) {
  for (const auto& [key, node] : child) {
    const std::string name(key.str());
    if (name == "extends") continue;
    auto* parent_array = parent[name].as_array();
    if (name == "set" && parent_array != nullptr && node.is_array()) {
      for (const auto& item : *node.as_array()) parent_array->push_back(item);
    } else if ((name == "slurm" || name == "grid") && parent[name].is_table() && node.is_table()) {
      for (const auto& [sub_key, sub_node] : *node.as_table()) {
        parent[name].as_table()->insert_or_assign(sub_key, sub_node);
      }
    } else {
      parent.insert_or_assign(key, node);
    }
  }
}

toml::table load_table(const std::string& text, const std::string& source,
                       std::vector<std::string>& chain) {
  toml::table table = parse_table(text, source);
  const fs::path directory = fs::absolute(fs::path(source)).parent_path();
  resolve_preset_paths(table, directory);
  if (const auto* extends = table["extends"].node()) {
    const fs::path parent_path = directory / get_string(*extends, source, "extends");
    const std::string parent_name = parent_path.lexically_normal().string();
    for (const auto& seen : chain) {
      if (seen == parent_name)
        throw Error(where(source, "extends") + ": cycle through '" + seen + "'");
    }
    if (!fs::exists(parent_path)) {
      throw Error(where(source, "extends") + ": no such file '" + parent_name + "'");
    }
    chain.push_back(parent_name);
    toml::table parent = load_table(read_file(parent_name), parent_name, chain);
    merge_into(parent, table);
    return parent;
  }
  return table;
}

std::vector<int64_t> parse_seeds(const toml::node& node, const std::string& source) {
  std::vector<int64_t> seeds;
  if (const auto* array = node.as_array()) {
    for (const auto& item : *array) seeds.push_back(get_integer(item, source, "seeds"));
  } else if (const auto* range = node.as_table()) {
    reject_unknown_keys(*range, {"first", "count"}, source, "seeds.");
    const auto* first = (*range)["first"].node();
    const auto* count = (*range)["count"].node();
    if (first == nullptr || count == nullptr) {
      throw Error(where(source, "seeds") + ": a range needs both 'first' and 'count'");
    }
    const int64_t start = get_integer(*first, source, "seeds.first");
    const int64_t n = get_integer(*count, source, "seeds.count");
    // Checked before the list is built: a typo in `count` must not allocate gigabytes.
    if (n < 1 || n > kMaxSeeds) {
      throw Error(where(source, "seeds.count") + ": must be in [1, " + std::to_string(kMaxSeeds) +
                  "], got " + std::to_string(n));
    }
    if (start > std::numeric_limits<int64_t>::max() - (n - 1)) {
      throw Error(where(source, "seeds.first") + ": the range's last seed would exceed 2^63 - 1");
    }
    for (int64_t i = 0; i < n; ++i) seeds.push_back(start + i);
  } else {
    throw Error(where(source, "seeds") + ": expected [1, 2, 3] or { first = 1, count = 10 }");
  }
  std::set<int64_t> unique;
  for (int64_t seed : seeds) {
    if (seed < 0)
      throw Error(where(source, "seeds") + ": seeds must be >= 0, got " + std::to_string(seed));
    if (!unique.insert(seed).second) {
      throw Error(where(source, "seeds") + ": seed " + std::to_string(seed) + " appears twice");
    }
  }
  return seeds;
}

SweepMethod parse_method(const toml::table& table, const std::string& source, size_t index) {
  const std::string prefix = "method[" + std::to_string(index) + "].";
  reject_unknown_keys(table, kMethodKeys, source, prefix);
  SweepMethod method;
  const auto* name = table["name"].node();
  if (name == nullptr) throw Error(where(source, prefix + "name") + ": every method needs a name");
  method.name = get_string(*name, source, prefix + "name");
  method.slug = slugify(method.name);
  if (method.slug.empty())
    throw Error(where(source, prefix + "name") + ": name has no usable characters");
  if (const auto* config = table["config"].node()) {
    method.config = get_string(*config, source, prefix + "config");
    if (!fs::exists(method.config)) {
      throw Error(where(source, prefix + "config") + ": no such preset '" + method.config + "'");
    }
  }
  if (const auto* agent = table["agent"].node()) {
    method.overrides.push_back("run.agent=" + get_string(*agent, source, prefix + "agent"));
  }
  if (const auto* envs = table["envs"].node()) {
    method.envs = get_string_list(*envs, source, prefix + "envs");
    if (method.envs.empty())
      throw Error(where(source, prefix + "envs") + ": needs at least one environment");
  }
  if (const auto* set = table["set"].node()) {
    for (auto& assignment : get_string_list(*set, source, prefix + "set")) {
      check_assignment(assignment, source, prefix + "set");
      method.overrides.push_back(assignment);
    }
  }
  return method;
}

SlurmOptions parse_slurm(const toml::table& table, const std::string& source) {
  reject_unknown_keys(table, kSlurmKeys, source, "slurm.");
  SlurmOptions slurm;
  if (const auto* n = table["time"].node()) slurm.time = get_string(*n, source, "slurm.time");
  if (const auto* n = table["mem"].node()) slurm.memory = get_string(*n, source, "slurm.mem");
  if (const auto* n = table["partition"].node())
    slurm.partition = get_string(*n, source, "slurm.partition");
  if (const auto* n = table["account"].node())
    slurm.account = get_string(*n, source, "slurm.account");
  if (const auto* n = table["max_parallel"].node()) {
    slurm.max_parallel = get_integer(*n, source, "slurm.max_parallel");
    if (slurm.max_parallel < 0) throw Error(where(source, "slurm.max_parallel") + ": must be >= 0");
  }
  if (const auto* n = table["extra"].node())
    slurm.extra_directives = get_string_list(*n, source, "slurm.extra");
  return slurm;
}

}  // namespace

std::string slugify(const std::string& text) {
  std::string slug;
  bool pending_dash = false;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '=' || c == '-';
    if (keep) {
      if (pending_dash && !slug.empty() && slug.back() != '-') slug.push_back('-');
      pending_dash = false;
      slug.push_back(c);
    } else {
      pending_dash = true;
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

SweepSpec parse_sweep(const std::string& toml_text, const std::string& source_path) {
  std::vector<std::string> chain = {fs::absolute(source_path).lexically_normal().string()};
  const toml::table table = load_table(toml_text, source_path, chain);
  const std::string& source = source_path;
  reject_unknown_keys(table, kTopLevelKeys, source, "");

  SweepSpec spec;
  spec.source_path = source_path;
  spec.name = fs::path(source_path).stem().string();
  if (const auto* n = table["name"].node()) spec.name = get_string(*n, source, "name");
  if (slugify(spec.name) != spec.name) {
    throw Error(where(source, "name") + ": '" + spec.name +
                "' must be a plain file name (letters, digits, '.', '_', '-', '=')");
  }
  spec.out_dir = (fs::path("results") / "sweeps" / spec.name).string();
  if (const auto* n = table["out"].node()) spec.out_dir = get_string(*n, source, "out");
  if (const auto* n = table["trainer"].node()) spec.trainer = get_string(*n, source, "trainer");
  if (const auto* n = table["total_steps"].node()) {
    spec.total_steps = get_integer(*n, source, "total_steps");
    if (*spec.total_steps < 1) throw Error(where(source, "total_steps") + ": must be >= 1");
  }

  const auto* seeds = table["seeds"].node();
  if (seeds == nullptr) throw Error(where(source, "seeds") + ": missing (e.g. seeds = [1, 2, 3])");
  spec.seeds = parse_seeds(*seeds, source);

  if (const auto* envs = table["envs"].node()) {
    spec.envs = get_string_list(*envs, source, "envs");
    if (spec.envs.empty()) throw Error(where(source, "envs") + ": needs at least one environment");
  }

  if (const auto* set = table["set"].node()) {
    spec.overrides = get_string_list(*set, source, "set");
    for (const auto& assignment : spec.overrides) check_assignment(assignment, source, "set");
  }

  const auto* methods = table["method"].as_array();
  if (methods == nullptr || methods->empty()) {
    throw Error(where(source, "method") + ": needs at least one [[method]] table");
  }
  std::set<std::string> slugs;
  for (size_t i = 0; i < methods->size(); ++i) {
    const auto* method = (*methods)[i].as_table();
    if (method == nullptr) throw Error(where(source, "method") + ": expected [[method]] tables");
    spec.methods.push_back(parse_method(*method, source, i));
    if (!slugs.insert(spec.methods.back().slug).second) {
      throw Error(where(source, "method") + ": two methods share the name (or file-name form) '" +
                  spec.methods.back().slug + "'");
    }
  }

  for (const auto& method : spec.methods) {
    if (spec.envs.empty() && method.envs.empty()) {
      throw Error(where(source, "envs") + ": missing, and method '" + method.name +
                  "' has no envs of its own (e.g. envs = [\"minatar/breakout-v1\"])");
    }
  }

  if (const auto* grid = table["grid"].as_table()) {
    for (const auto& [key, node] : *grid) {
      const std::string name(key.str());
      const auto* values = node.as_array();
      if (values == nullptr || values->empty()) {
        throw Error(where(source, "grid." + name) + ": expected a non-empty array of values");
      }
      GridAxis axis{name, {}};
      for (const auto& value : *values)
        axis.values.push_back(to_override_text(value, source, "grid." + name));
      spec.grid.push_back(std::move(axis));
    }
  } else if (table["grid"].node() != nullptr) {
    throw Error(where(source, "grid") + ": expected a table of key = [values]");
  }

  if (const auto* slurm = table["slurm"].as_table()) spec.slurm = parse_slurm(*slurm, source);
  return spec;
}

const std::vector<std::string>& method_envs(const SweepSpec& spec, const SweepMethod& method) {
  return method.envs.empty() ? spec.envs : method.envs;
}

std::vector<std::string> all_envs(const SweepSpec& spec) {
  std::vector<std::string> envs;
  auto add = [&](const std::vector<std::string>& list) {
    for (const auto& env : list) {
      if (std::find(envs.begin(), envs.end(), env) == envs.end()) envs.push_back(env);
    }
  };
  add(spec.envs);
  for (const auto& method : spec.methods) add(method.envs);
  return envs;
}

SweepSpec load_sweep_file(const std::string& path) {
  if (!fs::exists(path)) throw Error("sweep file '" + path + "' does not exist");
  return parse_sweep(read_file(path), path);
}

}  // namespace arq::sweep
