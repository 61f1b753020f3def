#pragma once
// Everything the generator can be asked for, with defaults; ranges are sampled per study.
// `vigil synth --config FILE` reads these keys from JSON (docs/synthetic-data.md lists them).

#include <string>

namespace vigil::synthetic {

struct Range {
  double min;
  double max;
};

/// Acquisition variants used to test ingest (each is also a geometry finding the reader reports).
enum class Variant { kNone, kGantryTilt, kUnevenSpacing, kMissingSlice, kReversedOrder, kCoronal, kSagittal };

const char* variant_name(Variant v);
/// Parses "none", "gantry_tilt", ...; throws vigil::Error(kInvalidArgument) for others.
Variant parse_variant(const std::string& name);

struct SynthConfig {
  // Grid
  int matrix = 512;                     ///< rows = columns
  Range pixel_spacing_mm{0.5, 0.9};
  Range slice_thickness_mm{0.625, 2.5};
  Range slices{100, 400};               ///< slice count; spacing equals thickness
  // Image formation
  Range noise_sigma_hu{12, 45};         ///< dose: higher sigma = lower dose
  double noise_grain_mm = 0.7;
  double psf_fwhm_mm = 0.9;
  // Lesions
  Range lesions_per_study{0, 6};        ///< integer count, uniform
  double p_no_lesion = 0.15;            ///< studies with no lesion at all
  Range lesion_diameter_mm{3, 30};      ///< log-uniform
  double p_solid = 0.5, p_part_solid = 0.2;  ///< the rest is ground glass
  double p_lobulated = 0.35, p_spiculated = 0.25;  ///< the rest is spherical
  double p_juxtavascular = 0.3, p_juxtapleural = 0.3;  ///< the rest is in parenchyma
  Range ground_glass_cnr{1.5, 12};      ///< contrast-to-noise of ground-glass (and part-solid halo)
  // Distractors
  Range scars_per_study{0, 3};
  Variant variant = Variant::kNone;
  double gantry_tilt_deg = 15;
  /// Optional exam priority written into the ground truth and DICOM (empty: none).
  std::string priority;
};

}  // namespace vigil::synthetic
