#include "models/synthetic/synthetic_study.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "core/uid.h"
#include "core/uid_hash.h"
#include "models/synthetic/image_formation.h"
#include "models/synthetic/renderer.h"

namespace vigil::synthetic {
namespace {

constexpr double kPi = 3.14159265358979323846;

// The slice planes for a variant. Axial stacks run feet to head in acquisition order.
SliceStack make_stack(Rng& rng, const SynthConfig& cfg) {
  SliceStack st;
  st.columns = st.rows = static_cast<std::size_t>(cfg.matrix);
  const double px = rng.uniform(cfg.pixel_spacing_mm.min, cfg.pixel_spacing_mm.max);
  st.spacing_row_mm = st.spacing_col_mm = px;
  st.thickness_mm = rng.uniform(cfg.slice_thickness_mm.min, cfg.slice_thickness_mm.max);
  const double dz = st.thickness_mm;
  int n = static_cast<int>(std::lround(rng.uniform(cfg.slices.min, cfg.slices.max)));
  const double fov = px * cfg.matrix;
  const double half = fov / 2 - px / 2;
  switch (cfg.variant) {
    case Variant::kCoronal:
    case Variant::kSagittal: {
      // Reformat planes: rows run head to feet over the FOV; slices step through the body.
      const bool coronal = cfg.variant == Variant::kCoronal;
      st.row = coronal ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
      st.col = {0, 0, -1};
      n = std::min(n, static_cast<int>(fov * 0.8 / dz));
      const Vec3 n_dir = st.normal();
      for (int k = 0; k < n; ++k) {
        const double s = (k - (n - 1) / 2.0) * dz;
        const Vec3 base = coronal ? Vec3{-half, 0, half} : Vec3{0, -half, half};
        st.positions.push_back({base[0] + s * n_dir[0], base[1] + s * n_dir[1], base[2] + s * n_dir[2]});
      }
      return st;
    }
    default: break;
  }
  std::vector<double> z(n);
  for (int k = 0; k < n; ++k) z[k] = k * dz;
  if (cfg.variant == Variant::kUnevenSpacing) {
    // The last third of the stack at 1.6x the spacing (e.g. a second reconstruction joined on).
    for (int k = 2 * n / 3 + 1; k < n; ++k) z[k] = z[k - 1] + 1.6 * dz;
  }
  const double z0 = -z.back() / 2;
  if (cfg.variant == Variant::kGantryTilt) {
    const double t = cfg.gantry_tilt_deg * kPi / 180;
    st.col = {0, std::cos(t), -std::sin(t)};  // image plane tilted about x; slices still step along z
  }
  for (int k = 0; k < n; ++k) st.positions.push_back({-half, -half, z0 + z[k]});
  if (cfg.variant == Variant::kMissingSlice) st.positions.erase(st.positions.begin() + n / 2);
  if (cfg.variant == Variant::kReversedOrder) std::reverse(st.positions.begin(), st.positions.end());
  return st;
}

void z_extent(const SliceStack& st, double& lo, double& hi) {
  lo = 1e300;
  hi = -1e300;
  for (std::size_t k = 0; k < st.slices(); k += std::max<std::size_t>(1, st.slices() - 1)) {
    for (std::size_t j : {std::size_t{0}, st.rows - 1}) {
      const double z = st.point(0, j, k)[2];
      lo = std::min(lo, z);
      hi = std::max(hi, z);
    }
  }
}

}  // namespace

const char* variant_name(Variant v) {
  switch (v) {
    case Variant::kNone: return "none";
    case Variant::kGantryTilt: return "gantry_tilt";
    case Variant::kUnevenSpacing: return "uneven_spacing";
    case Variant::kMissingSlice: return "missing_slice";
    case Variant::kReversedOrder: return "reversed_order";
    case Variant::kCoronal: return "coronal";
    case Variant::kSagittal: return "sagittal";
  }
  return "none";
}

Variant parse_variant(const std::string& name) {
  for (Variant v : {Variant::kNone, Variant::kGantryTilt, Variant::kUnevenSpacing, Variant::kMissingSlice,
                    Variant::kReversedOrder, Variant::kCoronal, Variant::kSagittal})
    if (name == variant_name(v)) return v;
  throw Error(ErrorCode::kInvalidArgument, "unknown acquisition variant '" + name +
                                               "' (none, gantry_tilt, uneven_spacing, missing_slice, "
                                               "reversed_order, coronal, sagittal)");
}

std::string config_fingerprint(const SynthConfig& c) {
  std::ostringstream s;
  s.precision(17);
  s << c.matrix << c.pixel_spacing_mm.min << c.pixel_spacing_mm.max << c.slice_thickness_mm.min
    << c.slice_thickness_mm.max << c.slices.min << c.slices.max << c.noise_sigma_hu.min << c.noise_sigma_hu.max
    << c.noise_grain_mm << c.psf_fwhm_mm << c.lesions_per_study.min << c.lesions_per_study.max << c.p_no_lesion
    << c.lesion_diameter_mm.min << c.lesion_diameter_mm.max << c.p_solid << c.p_part_solid << c.p_lobulated
    << c.p_spiculated << c.p_juxtavascular << c.p_juxtapleural << c.ground_glass_cnr.min << c.ground_glass_cnr.max
    << c.scars_per_study.min << c.scars_per_study.max << static_cast<int>(c.variant) << c.gantry_tilt_deg
    << c.priority;
  return hash_uid(s.str());
}

SyntheticStudy generate_study(const SynthConfig& config, std::uint64_t seed, int index, unsigned threads,
                              bool with_lung_mask) {
  if (config.matrix < 32 || config.matrix > 2048)
    throw Error(ErrorCode::kInvalidArgument, "synth: matrix must be 32..2048, got " + std::to_string(config.matrix));
  SyntheticStudy study;
  study.seed = seed;
  study.index = index;
  study.config = config;
  Rng rng = Rng(seed).fork(static_cast<std::uint64_t>(index) + 1);
  Rng geometry_rng = rng.fork(1), anatomy_rng = rng.fork(2), lesion_rng = rng.fork(3), noise_rng = rng.fork(4);

  study.stack = make_stack(geometry_rng, config);
  study.noise_sigma_hu = geometry_rng.uniform(config.noise_sigma_hu.min, config.noise_sigma_hu.max);
  double z_lo = 0, z_hi = 0;
  z_extent(study.stack, z_lo, z_hi);
  const double fov = study.stack.spacing_row_mm * config.matrix;
  Anatomy anatomy = build_anatomy(anatomy_rng, fov, z_lo, z_hi);
  study.lung_hu = anatomy.lung_hu;
  PlannedLesions lesions = plan_lesions(lesion_rng, anatomy, config, study.noise_sigma_hu, study.stack, z_lo, z_hi);
  study.scars = lesions.scars;

  std::vector<const Shape*> order;
  for (const auto& s : anatomy.shapes) order.push_back(s.get());
  for (const auto& s : lesions.distractors) order.push_back(s.get());
  for (const auto& s : lesions.shapes) order.push_back(s.get());
  study.hu.assign(study.stack.voxels(), -1000.0f);
  study.labels.assign(study.stack.voxels(), 0);
  const RenderResult rendered = render(order, study.stack, study.hu.data(), study.labels.data(), threads);
  apply_psf(study.hu.data(), study.stack, config.psf_fwhm_mm, threads);
  add_ct_noise(study.hu.data(), study.stack, study.noise_sigma_hu, config.noise_grain_mm, noise_rng.next(), threads);
  for (auto& t : lesions.truth) {
    const auto it = rendered.label_volume_mm3.find(t.id);
    t.volume_mm3 = it == rendered.label_volume_mm3.end() ? 0.0 : it->second;
  }
  study.lesions = std::move(lesions.truth);
  if (with_lung_mask) {
    const SliceStack& st = study.stack;
    study.lung_mask.assign(st.voxels(), 0);
    parallel_for(
        st.slices(),
        [&](std::size_t k) {
          for (std::size_t j = 0; j < st.rows; ++j)
            for (std::size_t i = 0; i < st.columns; ++i)
              study.lung_mask[(k * st.rows + j) * st.columns + i] = anatomy.lung_sdf(st.point(i, j, k)) < 0;
        },
        threads);
  }

  const std::string key = "vigil/synth/" + config_fingerprint(config) + "/seed=" + std::to_string(seed) +
                          "/study=" + std::to_string(index);
  study.study_uid = derived_uid(key + "/study");
  study.series_uid = derived_uid(key + "/series");
  study.frame_of_reference_uid = derived_uid(key + "/frame");
  study.patient_id = "SYNTH-" + std::to_string(seed) + "-" + std::to_string(index);
  return study;
}

}  // namespace vigil::synthetic
