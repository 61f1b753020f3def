#pragma once
// DICOM UIDs Vigil mints itself, under the UUID-derived root 2.25 (PS3.5 B.2): no registered
// organisation root is needed and the UIDs are unique with overwhelming probability.

#include <string>
#include <string_view>

namespace vigil {

/// A UID derived deterministically from `key` (e.g. "synth/seed=7/study=2/series"): the same key
/// gives the same UID on every machine, so generated data is reproducible. "2.25." + 128-bit
/// decimal, at most 44 characters.
std::string derived_uid(std::string_view key);

/// A fresh random UID (from std::random_device) for results that must never collide.
std::string random_uid();

}  // namespace vigil
