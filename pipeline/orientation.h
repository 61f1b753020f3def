#pragma once
// Canonical orientation: axes permuted and flipped (exactly, no interpolation) so that i runs
// towards the patient's left, j posterior and k superior (DICOM LPS), as models expect.

#include "core/volume.h"

namespace vigil::pipeline {

/// The volume in LPS axis order (ITK OrientImageFilter; "RAI" in ITK's naming). Every voxel keeps
/// its value and its patient position; oblique acquisitions keep their residual rotation in the
/// direction matrix. Throws vigil::Error(kInvalidArgument) for an empty volume.
Volume to_canonical_lps(const Volume& volume);

/// True when to_canonical_lps would return the volume unchanged: each voxel axis is closest to its
/// own patient axis (i to L, j to P, k to S) and points the same way. The analysis then uses the
/// input as it is instead of a copy (a 512x512x300 CT is 300 MiB of floats).
bool is_canonical_lps(const Geometry& geometry);

}  // namespace vigil::pipeline
