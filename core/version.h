#pragma once

namespace vigil {

inline constexpr const char* kVersion = "0.1.0";
/// Said on every output a person may read: Vigil is research software.
inline constexpr const char* kResearchUseNotice =
    "Research use only. Not for diagnostic use. Findings are algorithm output for review by a radiologist.";

}  // namespace vigil
