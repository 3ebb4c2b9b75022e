#pragma once
// nlohmann::json's exceptions carry text such as "[json.exception.out_of_range.403] key 'x' not
// found". Our messages use the part a reader understands, without the library's tag.
#include <exception>
#include <string>

namespace arq {

// The exception's text without a leading "[json.exception.<kind>.<id>] " tag.
std::string json_error_text(const std::exception& error);

}  // namespace arq
