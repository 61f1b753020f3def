#include "core/uid_hash.h"

#include <cstdint>
#include <cstdio>

namespace vigil {

std::string hash_uid(std::string_view uid) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : uid) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buffer, 12);
}

}  // namespace vigil
