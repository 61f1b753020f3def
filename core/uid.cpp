#include "core/uid.h"

#include <array>
#include <cstdint>
#include <random>

namespace vigil {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return mix(h);
}

// Decimal of the 128-bit number hi:lo, without leading zeros (PS3.5 9.1: no leading zero digits).
std::string to_decimal(std::uint64_t hi, std::uint64_t lo) {
  std::array<std::uint32_t, 4> words{static_cast<std::uint32_t>(hi >> 32), static_cast<std::uint32_t>(hi),
                                     static_cast<std::uint32_t>(lo >> 32), static_cast<std::uint32_t>(lo)};
  std::string digits;
  auto is_zero = [&] { return words[0] == 0 && words[1] == 0 && words[2] == 0 && words[3] == 0; };
  while (!is_zero()) {
    std::uint64_t remainder = 0;
    for (auto& w : words) {
      const std::uint64_t cur = (remainder << 32) | w;
      w = static_cast<std::uint32_t>(cur / 10);
      remainder = cur % 10;
    }
    digits.insert(digits.begin(), static_cast<char>('0' + remainder));
  }
  return digits.empty() ? "0" : digits;
}

}  // namespace

std::string derived_uid(std::string_view key) {
  // 128 bits from two independently seeded hashes; the UUID variant/version bits do not apply to
  // 2.25 UIDs derived this way, any 128-bit integer is valid.
  return "2.25." + to_decimal(fnv1a(key, 14695981039346656037ull), fnv1a(key, 0x84222325cbf29ce4ull));
}

std::string random_uid() {
  std::random_device rd;
  const std::uint64_t hi = (std::uint64_t{rd()} << 32) ^ rd();
  const std::uint64_t lo = (std::uint64_t{rd()} << 32) ^ rd();
  return "2.25." + to_decimal(hi, lo);
}

}  // namespace vigil
