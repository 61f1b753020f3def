#pragma once
// Exit statuses of `vigil`, one meaning each (also listed in README and `vigil --help`).

namespace vigil::cli {

inline constexpr int kExitOk = 0;             ///< everything asked for succeeded
inline constexpr int kExitPartial = 1;        ///< some inputs failed; the rest were processed
inline constexpr int kExitUsage = 2;          ///< bad command line or configuration
inline constexpr int kExitInputMissing = 3;   ///< the input path does not exist or cannot be read
inline constexpr int kExitNothingUsable = 4;  ///< input exists but holds nothing Vigil can use
inline constexpr int kExitNotDelivered = 5;   ///< results written, but the PACS did not store them all
inline constexpr int kExitInternal = 70;      ///< a bug in Vigil (EX_SOFTWARE)

}  // namespace vigil::cli
