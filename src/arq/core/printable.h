#pragma once
// Text that came from files or the command line is shown to the user escaped: control bytes,
// bytes that are not UTF-8 and C1 controls become \xNN (a newline "\n"), so a damaged file can
// neither garble the terminal nor split a one-line error.
#include <string>
#include <string_view>

namespace arq {

std::string printable(std::string_view text);

}  // namespace arq
