#pragma once
// UIDs and patient identifiers never appear in logs as they are: only a short, stable hash.

#include <string>
#include <string_view>

namespace vigil {

/// 12 hex digits of FNV-1a 64 of the text, the same on every platform and run.
std::string hash_uid(std::string_view uid);

}  // namespace vigil
