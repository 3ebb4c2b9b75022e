#include "arq/agents/local/cell_options.h"

#include <array>
#include <utility>

#include "arq/core/error.h"

namespace arq::local {
namespace {

template <typename Enum, size_t N>
Enum parse_name(const std::array<std::pair<const char*, Enum>, N>& table, const std::string& name,
                const char* what) {
  std::string valid;
  for (const auto& [text, value] : table) {
    if (name == text) return value;
    valid += valid.empty() ? text : std::string(", ") + text;
  }
  throw Error("unknown " + std::string(what) + " '" + name + "', expected one of: " + valid);
}

constexpr std::array<std::pair<const char*, CellKind>, 2> kKinds{
    {{"ad", CellKind::kAd}, {"arq", CellKind::kArq}}};
constexpr std::array<std::pair<const char*, Goodness>, 5> kGoodness{{{"std", Goodness::kStd},
                                                                     {"rms", Goodness::kRms},
                                                                     {"mean", Goodness::kMean},
                                                                     {"msq", Goodness::kMeanSquare},
                                                                     {"var", Goodness::kVariance}}};
constexpr std::array<std::pair<const char*, ActionCode>, 2> kCodes{
    {{"onehot", ActionCode::kOneHot}, {"binary", ActionCode::kBinary}}};
constexpr std::array<std::pair<const char*, NormOrder>, 2> kOrders{
    {{"code", NormOrder::kCode}, {"paper", NormOrder::kPaper}}};

template <typename Enum, size_t N>
std::string name_of(const std::array<std::pair<const char*, Enum>, N>& table, Enum value) {
  for (const auto& [text, entry] : table) {
    if (entry == value) return text;
  }
  return "?";
}

bool is_power_of_two(int n) {
  return n > 0 && (n & (n - 1)) == 0;
}

}  // namespace

CellOptions CellOptions::arq(int hidden, int actions, ActionCode code) {
  CellOptions options;
  options.kind = CellKind::kArq;
  options.hidden = hidden;
  options.actions = actions;
  options.action_code = code;
  options.action_conditioning = true;
  return options;
}

CellOptions CellOptions::ad(int hidden, int actions) {
  CellOptions options;
  options.kind = CellKind::kAd;
  options.hidden = hidden;
  options.actions = actions;
  options.action_conditioning = false;
  return options;
}

int CellOptions::code_width() const {
  if (!action_conditioning) return 0;
  if (action_code == ActionCode::kOneHot) return actions;
  int bits = 0;
  while ((1 << bits) < actions) ++bits;
  return bits;
}

void CellOptions::validate() const {
  if (hidden <= 0)
    throw Error("cell: hidden width must be positive, got " + std::to_string(hidden));
  if (actions <= 0)
    throw Error("cell: action count must be positive, got " + std::to_string(actions));
  if (heads <= 0) throw Error("cell: head count must be positive, got " + std::to_string(heads));
  if (action_conditioning && action_code == ActionCode::kBinary &&
      (!is_power_of_two(actions) || actions < 2)) {
    throw Error("cell: the binary action code needs a power-of-two action count >= 2, got " +
                std::to_string(actions));
  }
}

std::string CellOptions::describe() const {
  std::string text = to_string(kind) + " H=" + std::to_string(hidden) +
                     " A=" + std::to_string(actions) + " K=" + std::to_string(heads);
  if (kind == CellKind::kArq) text += " goodness=" + to_string(goodness);
  text += " conditioning=" + std::string(action_conditioning ? "on" : "off");
  if (action_conditioning) text += " code=" + to_string(action_code);
  text += " norm_order=" + to_string(norm_order);
  if (precision != nn::Precision::kFp32)
    text += " precision=" + std::string(nn::precision_name(precision));
  return text;
}

std::string to_string(CellKind kind) {
  return name_of(kKinds, kind);
}
std::string to_string(Goodness goodness) {
  return name_of(kGoodness, goodness);
}
std::string to_string(ActionCode code) {
  return name_of(kCodes, code);
}
std::string to_string(NormOrder order) {
  return name_of(kOrders, order);
}
CellKind parse_cell_kind(const std::string& name) {
  return parse_name(kKinds, name, "cell kind");
}
Goodness parse_goodness(const std::string& name) {
  return parse_name(kGoodness, name, "goodness");
}
ActionCode parse_action_code(const std::string& name) {
  return parse_name(kCodes, name, "action code");
}
NormOrder parse_norm_order(const std::string& name) {
  return parse_name(kOrders, name, "norm order");
}

}  // namespace arq::local
