#include "arq/agents/local/action_code.h"

namespace arq::local {

nn::Matrix action_code_table(const CellOptions& options) {
  const int width = options.code_width();
  nn::Matrix table = nn::Matrix::Zero(options.actions, width);
  if (width == 0) return table;
  for (int a = 0; a < options.actions; ++a) {
    if (options.action_code == ActionCode::kOneHot) {
      table(a, a) = 1.0f;
    } else {
      for (int k = 0; k < width; ++k) table(a, k) = ((a >> k) & 1) != 0 ? 1.0f : -1.0f;
    }
  }
  return table;
}

}  // namespace arq::local
