// The synthetic CT generator: deterministic, lesions as asked (contrast, noise, size), ground truth
// that lands on the lesions after a DICOM round trip, plausible anatomy, and acquisition variants
// that the reader reports. Several seeds each: no test rests on one lucky seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/error.h"
#include "dicom/catalog.h"
#include "dicom/ct_series_writer.h"
#include "dicom/volume_reader.h"
#include "models/synthetic/insertion.h"
#include "models/synthetic/synthetic_study.h"
#include "tests/support/test_paths.h"

namespace vigil::synthetic {
namespace {

SynthConfig small_config() {
  SynthConfig c;
  c.matrix = 256;
  c.pixel_spacing_mm = {1.2, 1.5};  // a whole chest in a small matrix
  c.slice_thickness_mm = {1.5, 2.5};
  c.slices = {70, 90};
  return c;
}

SynthConfig lesion_config() {
  SynthConfig c = small_config();
  c.p_no_lesion = 0;
  c.lesions_per_study = {3, 5};
  c.lesion_diameter_mm = {10, 22};  // large enough to measure a core and a ring
  return c;
}

double median(std::vector<float> v) {
  if (v.empty()) return std::nan("");
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

double mean(const std::vector<float>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

// Voxel values of `s` within [r0, r1) mm of `c` (stack geometry), optionally only unlabelled ones.
std::vector<float> shell(const SyntheticStudy& s, const Vec3& c, double r0, double r1, bool unlabelled) {
  std::vector<float> out;
  const auto& st = s.stack;
  for (std::size_t k = 0; k < st.slices(); ++k) {
    if (std::abs(dot(sub(st.positions[k], c), st.normal())) > r1) continue;
    for (std::size_t j = 0; j < st.rows; ++j)
      for (std::size_t i = 0; i < st.columns; ++i) {
        const double d = norm(sub(st.point(i, j, k), c));
        const std::size_t idx = (k * st.rows + j) * st.columns + i;
        if (d >= r0 && d < r1 && (!unlabelled || s.labels[idx] == 0)) out.push_back(s.hu[idx]);
      }
  }
  return out;
}

// Noise measured in the air outside the body: the corners of every slice.
double measured_noise(const SyntheticStudy& s) {
  std::vector<float> v;
  const auto& st = s.stack;
  for (std::size_t k = 0; k < st.slices(); ++k)
    for (std::size_t j = 0; j < 16; ++j)
      for (std::size_t i = 0; i < 16; ++i) v.push_back(s.hu[(k * st.rows + j) * st.columns + i]);
  const double m = mean(v);
  double ss = 0;
  for (float x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

TEST(Synthetic, SameSeedAndConfigGiveIdenticalStudiesOnAnyThreadCount) {
  for (std::uint64_t seed : {1u, 99u}) {
    const auto a = generate_study(small_config(), seed, 0, 1);
    const auto b = generate_study(small_config(), seed, 0, 2);
    EXPECT_EQ(a.hu, b.hu);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.study_uid, b.study_uid);
    EXPECT_EQ(a.lesions.size(), b.lesions.size());
    const auto c = generate_study(small_config(), seed + 1, 0);
    EXPECT_NE(a.study_uid, c.study_uid);
    EXPECT_NE(a.hu.size() == c.hu.size() && a.hu == c.hu, true);
  }
}

TEST(Synthetic, ADifferentConfigNeverReusesUids) {
  SynthConfig other = small_config();
  other.psf_fwhm_mm = 1.1;
  EXPECT_NE(generate_study(small_config(), 5, 0).series_uid, generate_study(other, 5, 0).series_uid);
}

TEST(Synthetic, NoiseIsCorrelatedAndHasTheRequestedSigma) {
  for (std::uint64_t seed : {2u, 3u, 4u}) {
    const auto s = generate_study(small_config(), seed, 0);
    EXPECT_NEAR(measured_noise(s), s.noise_sigma_hu, 0.1 * s.noise_sigma_hu) << "seed " << seed;
    // Not white: CT noise has little power at low spatial frequencies, so means of 8x8 blocks vary
    // far less than the sigma^2/64 of white noise.
    const auto& st = s.stack;
    std::vector<float> block_means;
    for (std::size_t k = 0; k < st.slices(); ++k)
      for (std::size_t bj = 0; bj < 16; bj += 8)
        for (std::size_t bi = 0; bi < 16; bi += 8) {
          double sum = 0;
          for (std::size_t j = bj; j < bj + 8; ++j)
            for (std::size_t i = bi; i < bi + 8; ++i) sum += s.hu[(k * st.rows + j) * st.columns + i];
          block_means.push_back(static_cast<float>(sum / 64));
        }
    const double m = mean(block_means);
    double var = 0;
    for (float x : block_means) var += (x - m) * (x - m);
    var /= static_cast<double>(block_means.size() - 1);
    const double sigma = measured_noise(s);
    EXPECT_LT(var / (sigma * sigma / 64), 0.5) << "low-frequency power of the noise";
  }
}

TEST(Synthetic, LesionContrastCnrAndVolumeMatchTheGroundTruth) {
  int checked = 0, measured = 0;
  for (std::uint64_t seed : {11u, 12u, 13u, 14u}) {
    const auto s = generate_study(lesion_config(), seed, 0);
    const double sigma = measured_noise(s);
    const double voxel_mm3 = s.stack.spacing_row_mm * s.stack.spacing_col_mm * s.stack.thickness_mm;
    for (const auto& t : s.lesions) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " lesion " + std::to_string(t.id) + " " + t.type + " " + t.shape +
                   " " + t.placement);
      const double r = t.diameter_mm / 2;
      const double expected_hu = t.type == "part_solid" ? t.core_hu : t.hu;
      const double labelled = std::count(s.labels.begin(), s.labels.end(), t.id) * voxel_mm3;
      EXPECT_NEAR(labelled, t.volume_mm3, 0.15 * t.volume_mm3);
      if (t.shape == "spherical") {
        EXPECT_NEAR(t.volume_mm3, 4.18879 * r * r * r, 0.15 * 4.18879 * r * r * r);
      }
      ++checked;
      const auto core = shell(s, t.center_mm, 0, t.type == "part_solid" ? 0.25 * r : 0.5 * r, false);
      if (core.size() < 4) continue;  // a core smaller than a few voxels cannot be measured
      ++measured;
      const double core_mean = mean(core);
      // Mean of n noisy voxels (correlated, so allow 4 sigma of n/4 effective samples) plus 15 HU.
      EXPECT_NEAR(core_mean, expected_hu, 15 + 4 * sigma / std::sqrt(core.size() / 4.0));
      if (t.type != "part_solid") {
        std::vector<float> ring = shell(s, t.center_mm, t.long_axis_mm / 2 + 3, t.long_axis_mm / 2 + 9, true);
        std::erase_if(ring, [](float v) { return v > -500; });  // lung only, not wall or vessels
        if (ring.size() > 50) {
          const double measured_cnr = (core_mean - median(ring)) / sigma;
          EXPECT_NEAR(measured_cnr, t.cnr, 0.2 * std::abs(t.cnr) + 1.0);
        }
      }
    }
  }
  EXPECT_GE(checked, 8);
  EXPECT_GE(measured, 8);
}

TEST(Synthetic, AnatomyHasPlausibleHuRanges) {
  for (std::uint64_t seed : {21u, 22u, 23u}) {
    const auto s = generate_study(small_config(), seed, 0);
    const auto [mn, mx] = std::minmax_element(s.hu.begin(), s.hu.end());
    EXPECT_LT(*mn, -900.0f);
    EXPECT_GT(*mx, 500.0f);  // bone
    EXPECT_LT(*mx, 1500.0f);
    // The centre of a lung is parenchyma near the chosen lung HU.
    std::vector<float> lung;
    for (std::size_t i = 0; i < s.hu.size(); ++i)
      if (s.hu[i] > -950 && s.hu[i] < -700) lung.push_back(s.hu[i]);
    EXPECT_GT(lung.size(), s.hu.size() / 20) << "lungs fill a good part of the chest";
    EXPECT_NEAR(median(lung), s.lung_hu, 30);
  }
}

// Writes a study as DICOM, reads it back through Vigil's reader.
dicom::VolumeReadResult round_trip(const SyntheticStudy& s, const test::TempDir& dir,
                                   dicom::TransferSyntax syntax = dicom::TransferSyntax::kExplicitLittle,
                                   const dicom::GeometryPolicy& policy = {}) {
  dicom::CtSeriesInfo info;
  info.patient_name = "SYNTHETIC^TEST";
  info.patient_id = s.patient_id;
  info.study_instance_uid = s.study_uid;
  info.series_instance_uid = s.series_uid;
  info.frame_of_reference_uid = s.frame_of_reference_uid;
  info.study_date = "20260101";
  info.study_time = "120000";
  dicom::CtPlanes planes{s.stack.row, s.stack.col, s.stack.spacing_row_mm, s.stack.spacing_col_mm,
                         s.stack.thickness_mm, static_cast<int>(s.stack.rows), static_cast<int>(s.stack.columns)};
  std::vector<dicom::CtSlice> slices;
  for (std::size_t k = 0; k < s.stack.slices(); ++k)
    slices.push_back({s.stack.positions[k], static_cast<int>(k) + 1, s.hu.data() + k * s.stack.rows * s.stack.columns});
  dicom::write_ct_series(info, planes, slices, dir.path(), syntax);
  const auto catalog = dicom::scan_catalog(dir.path());
  dicom::ReadOptions options;
  options.policy = policy;
  return dicom::read_volume(catalog.studies.at(0).series.at(0), options);
}

bool has(const dicom::VolumeReadResult& r, const std::string& code) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const auto& f) { return f.code == code; });
}

// Mean of the read-back volume within `radius` mm of `c`.
double mean_near(const Volume& v, const Vec3& c, double radius) {
  const Vec3 idx = v.geometry.physical_to_index(c);
  double sum = 0;
  int n = 0;
  const int ri = static_cast<int>(std::ceil(radius / v.geometry.spacing_mm[0])) + 1;
  const int rk = static_cast<int>(std::ceil(radius / v.geometry.spacing_mm[2])) + 1;
  for (int dk = -rk; dk <= rk; ++dk)
    for (int dj = -ri; dj <= ri; ++dj)
      for (int di = -ri; di <= ri; ++di) {
        const long i = std::lround(idx[0]) + di, j = std::lround(idx[1]) + dj, k = std::lround(idx[2]) + dk;
        if (i < 0 || j < 0 || k < 0 || i >= long(v.geometry.size[0]) || j >= long(v.geometry.size[1]) ||
            k >= long(v.geometry.size[2]))
          continue;
        if (norm(sub(v.geometry.index_to_physical({double(i), double(j), double(k)}), c)) > radius) continue;
        sum += v.at(i, j, k);
        ++n;
      }
  return n ? sum / n : std::nan("");
}

TEST(Synthetic, GroundTruthCentresLandOnTheLesionsAfterADicomRoundTrip) {
  int checked = 0;
  for (Variant variant : {Variant::kNone, Variant::kReversedOrder, Variant::kGantryTilt, Variant::kCoronal}) {
    for (std::uint64_t seed : {31u, 32u}) {
      SynthConfig cfg = lesion_config();
      cfg.variant = variant;
      const auto s = generate_study(cfg, seed, 0);
      test::TempDir dir("synth-rt");
      const auto read = round_trip(s, dir);
      for (const auto& t : s.lesions) {
        if (t.type == "part_solid") continue;
        const double r = t.diameter_mm / 2;
        const double in_lesion = mean_near(read.volume, t.center_mm, 0.5 * r);
        // The lesion, not the lung around it: nearer the lesion HU than the lung HU.
        EXPECT_LT(std::abs(in_lesion - t.hu), std::abs(in_lesion - s.lung_hu))
            << variant_name(variant) << " seed " << seed << " lesion " << t.id << ": " << in_lesion << " vs lesion "
            << t.hu << " lung " << s.lung_hu;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 12);
}

TEST(Synthetic, EveryVariantReadsBackWithItsGeometryFinding) {
  struct Case {
    Variant variant;
    std::string finding;  // empty: none expected
  };
  for (const Case& c : {Case{Variant::kGantryTilt, "gantry_tilt"}, Case{Variant::kUnevenSpacing, "uneven_spacing"},
                        Case{Variant::kReversedOrder, ""}, Case{Variant::kCoronal, ""}, Case{Variant::kSagittal, ""},
                        Case{Variant::kNone, ""}}) {
    SynthConfig cfg = small_config();
    cfg.variant = c.variant;
    const auto s = generate_study(cfg, 41, 0);
    test::TempDir dir("synth-variant");
    const auto read = round_trip(s, dir);
    if (c.finding.empty())
      EXPECT_TRUE(read.findings.empty()) << variant_name(c.variant);
    else
      EXPECT_TRUE(has(read, c.finding)) << variant_name(c.variant);
    if (c.variant == Variant::kCoronal) {
      EXPECT_NEAR(std::abs(read.volume.geometry.axis(2)[1]), 1.0, 1e-6);
    }
    if (c.variant == Variant::kSagittal) {
      EXPECT_NEAR(std::abs(read.volume.geometry.axis(2)[0]), 1.0, 1e-6);
    }
  }
  // A missing slice is refused by default, and named.
  SynthConfig cfg = small_config();
  cfg.variant = Variant::kMissingSlice;
  const auto s = generate_study(cfg, 42, 0);
  test::TempDir dir("synth-missing");
  try {
    round_trip(s, dir);
    FAIL() << "missing slice not refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing_slices"), std::string::npos) << e.what();
  }
}

TEST(Synthetic, CompressedSeriesReadsBackIdentically) {
  const auto s = generate_study(small_config(), 51, 0);
  test::TempDir a("synth-explicit"), b("synth-jpegls"), c("synth-rle");
  const auto plain = round_trip(s, a).volume.voxels;
  EXPECT_EQ(round_trip(s, b, dicom::TransferSyntax::kJpegLsLossless).volume.voxels, plain);
  EXPECT_EQ(round_trip(s, c, dicom::TransferSyntax::kRle).volume.voxels, plain);
}

TEST(Synthetic, WrittenSeriesPassesDciodvfyWithoutErrors) {
  SynthConfig cfg = small_config();
  cfg.slices = {3, 3};
  cfg.priority = "URGENT";
  const auto s = generate_study(cfg, 61, 0);
  test::TempDir dir("synth-dciodvfy");
  round_trip(s, dir);
  const std::string cmd = "dciodvfy " + dir.path() + "/IM00002.dcm 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  ASSERT_NE(out.find("CTImage"), std::string::npos) << "dciodvfy did not run or did not recognise a CT image:\n" << out;
  EXPECT_EQ(out.find("Error"), std::string::npos) << out;
}

}  // namespace
}  // namespace vigil::synthetic

namespace vigil::synthetic {
namespace {

TEST(LesionInsertion, LesionsLandInTheRealScansLungsAndNothingElseChanges) {
  const auto original = test::read_real_chest_ct();
  SynthConfig cfg;
  cfg.lesions_per_study = {3, 5};
  cfg.lesion_diameter_mm = {6, 16};
  int checked = 0;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Volume volume = original;
    const auto result = insert_lesions(volume, cfg, seed, 0);
    ASSERT_FALSE(result.lesions.empty());
    EXPECT_NEAR(result.lung_hu, -840, 60);  // this scan's parenchyma
    const Geometry& g = volume.geometry;
    for (const auto& t : result.lesions) {
      // In the original, the centre was lung air; after insertion it carries the lesion's HU.
      const Vec3 idx = g.physical_to_index(t.center_mm);
      const long i = std::lround(idx[0]), j = std::lround(idx[1]), k = std::lround(idx[2]);
      EXPECT_LT(original.at(i, j, k), -500) << "seed " << seed << " lesion " << t.id;
      double before = 0, after = 0;
      int n = 0;
      for (long dj = -1; dj <= 1; ++dj)
        for (long di = -1; di <= 1; ++di) {
          before += original.at(i + di, j + dj, k);
          after += volume.at(i + di, j + dj, k);
          ++n;
        }
      const double expected = (t.type == "part_solid" ? t.core_hu : t.hu) - (before / n);
      EXPECT_NEAR((after - before) / n, expected, 0.25 * std::abs(expected) + 30) << "contrast added at the centre";
      ++checked;
    }
    // Far from every lesion the scan is untouched (its own noise and texture are kept).
    std::size_t changed_far = 0;
    for (std::size_t v = 0; v < volume.voxels.size(); v += 97) {
      if (volume.voxels[v] == original.voxels[v]) continue;
      const std::size_t i = v % g.size[0], j = (v / g.size[0]) % g.size[1], k = v / (g.size[0] * g.size[1]);
      const Vec3 p = g.index_to_physical({double(i), double(j), double(k)});
      const bool near_lesion = std::any_of(result.lesions.begin(), result.lesions.end(), [&](const LesionTruth& t) {
        return norm(sub(p, t.center_mm)) < 2.8 * t.diameter_mm / 2 + 8;
      });
      changed_far += !near_lesion;
    }
    EXPECT_EQ(changed_far, 0u);
    // Deterministic.
    Volume again = original;
    insert_lesions(again, cfg, seed, 0);
    EXPECT_EQ(again.voxels, volume.voxels);
  }
  EXPECT_GE(checked, 9);
}

}  // namespace
}  // namespace vigil::synthetic
