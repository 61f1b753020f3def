// Lung mask and candidate detection on synthetic studies (several seeds) and the real chest CT.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <random>

#include "core/error.h"
#include "dicom/catalog.h"
#include "dicom/volume_reader.h"
#include "models/synthetic/insertion.h"
#include "models/synthetic/synthetic_study.h"
#include "pipeline/candidate_detector.h"
#include "pipeline/lung_mask.h"
#include "tests/support/synthetic_configs.h"
#include "tests/support/test_paths.h"

namespace vigil::pipeline {
namespace {

synthetic::SynthConfig test_config() { return test::small_chest_config(); }

Volume volume_of(const synthetic::SyntheticStudy& s) {
  Volume v;
  const auto& st = s.stack;
  v.geometry.size = {st.columns, st.rows, st.slices()};
  v.geometry.spacing_mm = {st.spacing_row_mm, st.spacing_col_mm, st.thickness_mm};
  v.geometry.origin_mm = st.positions[0];
  v.geometry.direction = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  v.voxels = s.hu;
  return v;
}

TEST(LungMask, DiceWithTheSyntheticTruthIsAtLeast095) {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    const auto s = synthetic::generate_study(test_config(), seed, 0, 0, true);
    const double d = dice(lung_mask(volume_of(s)), s.lung_mask);
    std::printf("[ LUNG     ] seed %llu: Dice %.4f\n", static_cast<unsigned long long>(seed), d);
    EXPECT_GE(d, 0.95) << "seed " << seed;
  }
}

// Binned growing (the candidate search region on fine pixels) holds the exact growing and reaches
// at most two bin-centre offsets further (one at each end).
TEST(LungMask, BinnedDilationHoldsTheExactOneAndReachesAtMostTwoBinOffsetsFurther) {
  Geometry g;
  g.size = {61, 53, 9};
  g.spacing_mm = {0.5, 0.5, 2.0};
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> mask(g.voxel_count(), 0);
    for (int n = 0; n < 5; ++n) mask[rng() % mask.size()] = 1;
    for (int bin : {2, 3}) {
      const auto exact = dilate_mask(mask, g, 3.0);
      const auto coarse = dilate_mask(mask, g, 3.0, bin);
      const auto reach = dilate_mask(mask, g, 3.0 + 2 * (bin - 1) * 0.5 * std::sqrt(2.0) + 1e-6);
      std::size_t extra = 0;
      for (std::size_t v = 0; v < mask.size(); ++v) {
        ASSERT_TRUE(!exact[v] || coarse[v]) << "seed " << seed << " bin " << bin << " voxel " << v;
        ASSERT_TRUE(!coarse[v] || reach[v]) << "seed " << seed << " bin " << bin << " voxel " << v;
        extra += coarse[v] && !exact[v];
      }
      EXPECT_GT(extra, 0u);  // the bins do overhang: the test would notice an unbinned result
    }
  }
}

// At a diagnostic CT's 0.6-0.8 mm pixels the mask is made on 2 x 2 bins: it must still match the
// generator's truth, and bins that overhang the image edge (odd matrix) must not shift it.
TEST(LungMask, BinnedFinePixelsKeepDiceAtLeast095) {
  for (std::uint64_t seed : {5u, 6u}) {
    synthetic::SynthConfig c = test_config();
    c.matrix = seed == 5 ? 512 : 451;
    c.pixel_spacing_mm = {0.6, 0.8};
    c.slices = {40, 50};
    const auto s = synthetic::generate_study(c, seed, 0, 0, true);
    const Volume ct = volume_of(s);
    EXPECT_EQ(lung_mask_bin(ct.geometry), 2);
    const double d = dice(lung_mask(ct), s.lung_mask);
    std::printf("[ LUNG     ] seed %llu, %zu x %zu at %.2f mm, 2 x 2 bins: Dice %.4f\n", static_cast<unsigned long long>(seed),
                ct.geometry.size[0], ct.geometry.size[1], ct.geometry.spacing_mm[0], d);
    EXPECT_GE(d, 0.95) << "seed " << seed;
  }
}

// Dilation is a ball in patient mm (anisotropic voxels); an empty mask stays empty.
TEST(LungMask, DilationReachesTheMarginInMillimetresAndLeavesEmptyMasksEmpty) {
  Geometry g;
  g.size = {21, 21, 11};
  g.spacing_mm = {0.5, 0.5, 2.0};
  std::vector<std::uint8_t> mask(g.voxel_count(), 0);
  EXPECT_EQ(dilate_mask(mask, g, 3.0), mask);
  const std::size_t centre = 10 + 21 * (10 + 21 * 5);
  mask[centre] = 1;
  const auto grown = dilate_mask(mask, g, 3.0);
  auto at = [&](int i, int j, int k) { return grown[std::size_t(i + 21 * (j + 21 * k))]; };
  EXPECT_EQ(at(16, 10, 5), 1);  // 3 mm along x (6 voxels)
  EXPECT_EQ(at(17, 10, 5), 0);  // 3.5 mm
  EXPECT_EQ(at(10, 10, 6), 1);  // 2 mm along z (one slice)
  EXPECT_EQ(at(10, 10, 7), 0);  // 4 mm
}

struct Nodule {
  Vec3 centre;
  double diameter;
};

// A one-lung phantom in `ct` (geometry set): air (-1000 HU) outside `in_body`, soft tissue (40 HU)
// in it, lung (-850 HU) where `in_lung`, soft-tissue balls at `nodules`; Gaussian noise of 15 HU
// in the body, drawn voxel by voxel in storage order from a generator seeded with `seed`.
void fill_phantom(Volume& ct, const std::function<bool(const Vec3&)>& in_body,
                  const std::function<bool(const Vec3&)>& in_lung, const std::vector<Nodule>& nodules, unsigned seed) {
  const Geometry& g = ct.geometry;
  ct.voxels.assign(g.voxel_count(), -1000.0f);
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 15.0f);
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const Vec3 p = g.index_to_physical({double(i), double(j), double(k)});
        const bool body = in_body(p);
        float hu = body ? (in_lung(p) ? -850.0f : 40.0f) : -1000.0f;
        for (const Nodule& n : nodules)
          if (norm(sub(p, n.centre)) <= n.diameter / 2) hu = 40.0f;
        ct.voxels[i + g.size[0] * (j + g.size[1] * k)] = hu + (body ? noise(rng) : 0.0f);
      }
}

// Pleural-based nodules: centred on the pleura or up to a third of their radius inside the chest
// wall, they dent the air mask instead of lying in it, and the generator never makes them. The
// search region must still find them: the lung mask grown by 2 mm alone lost three of these eight
// (models/weights/README.md, session 6); closed by 8 mm and grown by 1.5 mm it lost two (the 24 mm
// one on the pleura, the 16 mm one set into the wall), closed by 12 mm none (2026-11-27).
TEST(Candidates, PleuralBasedNodulesAreFound) {
  Volume ct;
  Geometry& g = ct.geometry;
  g.size = {200, 190, 72};
  g.spacing_mm = {0.8, 0.8, 1.25};
  // A body of soft tissue; in it one lung, a box whose +x side is a flat pleura at x = 40 mm.
  const double pleura_x = 40.0;
  std::vector<Nodule> nodules;
  const std::array<double, 4> diameters{8, 12, 16, 24};
  for (std::size_t n = 0; n < diameters.size(); ++n)
    for (const double into_wall : {0.0, 1.0 / 3.0})
      nodules.push_back({{pleura_x + into_wall * diameters[n] / 2, 30.0 + 34.0 * double(n), into_wall > 0 ? 24.0 : 66.0},
                         diameters[n]});
  fill_phantom(
      ct, [](const Vec3& p) { return std::abs(p[0] - 80) < 72 && std::abs(p[1] - 76) < 70; },
      [&](const Vec3& p) { return p[0] > 20 && p[0] < pleura_x && p[1] > 18 && p[1] < 140 && p[2] > 4 && p[2] < 86; },
      nodules, 7);
  const auto candidates = detect_candidates(ct, lung_mask(ct), {}, kernels::Backend::kCpu);
  for (const Nodule& n : nodules) {
    const bool found = std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& c) {
      return norm(sub(c.center_mm, n.centre)) <= n.diameter / 2;
    });
    EXPECT_TRUE(found) << n.diameter << " mm nodule " << n.centre[0] - pleura_x << " mm into the chest wall";
  }
}

// The search region (lung mask closed by 12 mm, grown by 1.5 mm) holds the centre of a juxta-pleural
// nodule, which the air mask leaves out, but not the inside of a broad soft-tissue bulge into the
// lung (the mediastinum's edge), which the old region (grown by 10 mm) let in and the classifier
// then mistook for pleural nodules (docs/performance.md, 2026-11-27).
TEST(Candidates, SearchRegionHoldsJuxtapleuralNodulesButNotTheMediastinumsEdge) {
  Volume ct;
  Geometry& g = ct.geometry;
  g.size = {180, 200, 64};
  g.spacing_mm = {0.7, 0.7, 1.5};
  // One lung, a box with a flat pleura at x = 100 mm; a bulge of radius 30 mm from the wall at
  // y = 40 mm (the heart's edge: soft tissue 15 mm deep into the lung).
  const double pleura_x = 100.0;
  const Vec3 bulge{pleura_x + 15.0, 40.0, 48.0};
  std::vector<Nodule> nodules;  // 8, 16 and 24 mm, each centred 0.8 of its radius inside the lung
  for (const double d : {8.0, 16.0, 24.0})
    nodules.push_back({{pleura_x - 0.4 * d, 95.0, 22.0 + 26.0 * double(nodules.size())}, d});
  fill_phantom(
      ct, [](const Vec3& p) { return p[0] > 6 && p[0] < 120 && p[1] > 6 && p[1] < 134; },
      [&](const Vec3& p) {
        return p[0] > 20 && p[0] < pleura_x && p[1] > 16 && p[1] < 124 && p[2] > 6 && p[2] < 90 &&
               norm(sub(p, bulge)) > 30.0;
      },
      nodules, 11);
  const auto lungs = lung_mask(ct);
  const detection::CandidateOptions o;
  const auto region = closed_and_dilated(lungs, g, o.search_closing_mm, o.search_margin_mm, lung_mask_bin(g));
  const auto old_region = dilate_mask(lungs, g, 10.0, lung_mask_bin(g));
  auto in = [&](const std::vector<std::uint8_t>& mask, const Vec3& p) {
    const auto v = g.nearest_voxel(p);
    return v && mask[*v] != 0;
  };
  // The air mask closes a small nodule in; the larger ones' centres lie outside it.
  EXPECT_FALSE(in(lungs, nodules[1].centre));
  EXPECT_FALSE(in(lungs, nodules[2].centre));
  for (const Nodule& n : nodules) EXPECT_TRUE(in(region, n.centre)) << n.diameter << " mm nodule's centre";
  // 5 mm into the bulge, straight in from the lung (at x = 85 mm the lung meets the bulge's face).
  const Vec3 bulge_face{bulge[0] - 30.0, bulge[1], bulge[2]}, inside_bulge{bulge[0] - 25.0, bulge[1], bulge[2]};
  EXPECT_TRUE(in(lungs, {bulge_face[0] - 2.0, bulge_face[1], bulge_face[2]}));
  EXPECT_FALSE(in(region, inside_bulge));
  EXPECT_TRUE(in(old_region, inside_bulge));  // what the 10 mm margin let in
  // The region still reaches past a flat pleura by its margin, not by the old 10 mm.
  EXPECT_TRUE(in(region, {pleura_x + 0.5, 115.0, 48.0}));
  EXPECT_FALSE(in(region, {pleura_x + 5.0, 115.0, 48.0}));
  // And the candidates: every nodule found, none in the bulge deeper than 3 mm.
  const auto candidates = detect_candidates(ct, lungs, o, kernels::Backend::kCpu);
  for (const Nodule& n : nodules)
    EXPECT_TRUE(std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& c) {
      return norm(sub(c.center_mm, n.centre)) <= n.diameter / 2;
    })) << n.diameter << " mm nodule";
  for (const Candidate& c : candidates)
    EXPECT_GT(norm(sub(c.center_mm, bulge)), 27.0) << "candidate in the bulge at " << c.center_mm[0] << ", "
                                                   << c.center_mm[1] << ", " << c.center_mm[2];
}

TEST(LungMask, RealChestCtHasTwoLungsOfPlausibleVolume) {
  const auto ct = test::read_real_chest_ct();
  const auto mask = lung_mask(ct);
  const double voxel_ml = ct.geometry.spacing_mm[0] * ct.geometry.spacing_mm[1] * ct.geometry.spacing_mm[2] / 1000;
  const double ml = std::count(mask.begin(), mask.end(), 1) * voxel_ml;
  // 96 mm of a chest: a slab of both lungs, hundreds of millilitres, not the air around the body.
  EXPECT_GT(ml, 500);
  EXPECT_LT(ml, 3500);
  // Left and right of the midline both hold lung.
  std::size_t left = 0, right = 0;
  for (std::size_t v = 0; v < mask.size(); ++v)
    if (mask[v]) (v % ct.geometry.size[0] < ct.geometry.size[0] / 2 ? right : left)++;
  EXPECT_GT(std::min(left, right), std::max(left, right) / 3);
}

TEST(Candidates, RecallOnSyntheticStudiesByTypeAndSize) {
  std::map<std::string, std::pair<int, int>> by_type, by_size;  // hits, total
  int hits = 0, total = 0;
  std::size_t most_candidates = 0;
  for (std::uint64_t seed = 100; seed < 110; ++seed) {
    const auto s = synthetic::generate_study(test_config(), seed, 0);
    const Volume ct = volume_of(s);
    const auto candidates = detect_candidates(ct, lung_mask(ct), {}, kernels::Backend::kCpu);
    most_candidates = std::max(most_candidates, candidates.size());
    for (const auto& t : s.lesions) {
      if (t.diameter_mm < 4) continue;
      // LUNA16's rule: a hit lies within the lesion's radius of its centre.
      const bool hit = std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& c) {
        return norm(sub(c.center_mm, t.center_mm)) <= std::max(t.diameter_mm / 2, 2.0);
      });
      if (!hit) {  // what the next attempt at the recall needs to know
        double nearest = std::numeric_limits<double>::infinity();
        for (const Candidate& c : candidates) nearest = std::min(nearest, norm(sub(c.center_mm, t.center_mm)));
        std::printf("[ MISSED   ] seed %d: %s %s, %.1f mm, contrast %.0f HU, CNR %.1f; nearest candidate %.1f mm\n",
                    int(seed), t.type.c_str(), t.placement.c_str(), t.diameter_mm, t.hu_contrast, t.cnr, nearest);
      }
      const std::string size = t.diameter_mm < 6 ? "4-6mm" : t.diameter_mm < 10 ? "6-10mm" : ">=10mm";
      by_type[t.type].first += hit;
      by_type[t.type].second++;
      by_size[size].first += hit;
      by_size[size].second++;
      hits += hit;
      ++total;
    }
  }
  for (const auto& [k, v] : by_type) std::printf("[ RECALL   ] %-13s %d/%d\n", k.c_str(), v.first, v.second);
  for (const auto& [k, v] : by_size) std::printf("[ RECALL   ] %-13s %d/%d\n", k.c_str(), v.first, v.second);
  const double recall = double(hits) / total;
  std::printf("[ RECALL   ] all lesions >= 4 mm: %d/%d = %.3f with at most %zu candidates per study\n", hits, total,
              recall, most_candidates);
  EXPECT_LE(most_candidates, 100u);
  EXPECT_GE(total, 30);
  // A regression gate just under the measured 0.875 (2026-11-26; 0.70 on 2026-11-25), not the
  // goal: issue 5's target is 0.98 and is not met yet (docs/performance.md).
  EXPECT_GE(recall, 0.85);
}

}  // namespace
}  // namespace vigil::pipeline

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace vigil::pipeline {
namespace {

// Saves the real CT's middle axial slice (lung window) with the lung mask outlined in red, for a
// person to look at: build/test-artifacts/lung_mask_lidc0314.png.
TEST(LungMask, OverlayOnTheRealChestCtIsSavedAsAnArtifact) {
  const auto ct = test::read_real_chest_ct();
  const auto mask = lung_mask(ct);
  const int nx = int(ct.geometry.size[0]), ny = int(ct.geometry.size[1]);
  const std::size_t k = ct.geometry.size[2] / 2, offset = k * nx * ny;
  cv::Mat grey(ny, nx, CV_8UC1), lung(ny, nx, CV_8UC1);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const float hu = ct.voxels[offset + j * nx + i];
      grey.at<std::uint8_t>(j, i) = cv::saturate_cast<std::uint8_t>((hu + 1350.0f) / 1500.0f * 255.0f);
      lung.at<std::uint8_t>(j, i) = mask[offset + j * nx + i] ? 255 : 0;
    }
  cv::Mat overlay;
  cv::cvtColor(grey, overlay, cv::COLOR_GRAY2BGR);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(lung, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  cv::drawContours(overlay, contours, -1, cv::Scalar(0, 0, 255), 1);
  // Two lungs on this slice: two large outlines.
  std::size_t large = 0;
  for (const auto& c : contours) large += cv::contourArea(c) > 2000;
  EXPECT_EQ(large, 2u);
  std::filesystem::create_directories(VIGIL_TEST_ARTIFACTS);
  const std::string path = std::string(VIGIL_TEST_ARTIFACTS) + "/lung_mask_lidc0314.png";
  ASSERT_TRUE(cv::imwrite(path, overlay));
  EXPECT_GT(std::filesystem::file_size(path), 10000u);
}

}  // namespace
}  // namespace vigil::pipeline

#include "pipeline/body_mask.h"

namespace vigil::pipeline {
namespace {

TEST(BodyMask, HoldsTheLungsAndLeavesOutAirAndTheTable) {
  // Synthetic: every lung voxel is inside the body; the image corners are not.
  for (std::uint64_t seed : {7u, 8u}) {
    const auto s = synthetic::generate_study(test_config(), seed, 0, 0, true);
    const Volume ct = volume_of(s);
    const auto body = body_mask(ct);
    std::size_t lung = 0, lung_in_body = 0;
    for (std::size_t v = 0; v < body.size(); ++v)
      if (s.lung_mask[v]) ++lung, lung_in_body += body[v];
    EXPECT_GT(double(lung_in_body) / lung, 0.99) << "seed " << seed;
    EXPECT_EQ(body[0], 0);
    EXPECT_EQ(body[ct.geometry.size[0] - 1], 0);
  }
  // Real: the table below the patient (bottom rows) is a separate component and is dropped.
  const auto ct = test::read_real_chest_ct();
  const auto body = body_mask(ct);
  const std::size_t nx = ct.geometry.size[0], ny = ct.geometry.size[1], k = ct.geometry.size[2] / 2;
  std::size_t bottom = 0, centre = 0;
  for (std::size_t i = 0; i < nx; ++i) {
    bottom += body[(k * ny + (ny - 20)) * nx + i];  // 20 rows from the bottom: the table's rails
    centre += body[(k * ny + ny / 2) * nx + i];
  }
  EXPECT_EQ(bottom, 0u);
  EXPECT_GT(centre, nx / 2);  // the chest spans more than half the width at its middle row
}

// Filtering only the search region's box (what Vigil does, for memory) finds exactly the
// candidates that filtering the whole volume finds: same centres, responses and scales.
// The search filters the region's box only and measures only the voxels its peak test reads: the
// same candidates as every voxel of the whole volume, for any NMS reach.
TEST(Candidates, CroppingAndMeasuringOnlyWhatPeaksReadChangeNoCandidate) {
  for (std::uint64_t seed : {21u, 22u, 23u}) {
    const auto s = synthetic::generate_study(test_config(), seed, 0);
    const Volume ct = volume_of(s);
    const auto lungs = lung_mask(ct);
    CandidateOptions fast;
    fast.nms_radius_vox = seed == 23 ? 3 : 2;
    CandidateOptions whole = fast;
    whole.crop_to_region = false;
    whole.measure_only_what_peaks_read = false;
    const auto cropped = detect_candidates(ct, lungs, fast, kernels::Backend::kCpu);
    const auto full = detect_candidates(ct, lungs, whole, kernels::Backend::kCpu);
    ASSERT_EQ(cropped.size(), full.size()) << "seed " << seed;
    ASSERT_GT(full.size(), 10u);
    for (std::size_t i = 0; i < full.size(); ++i) {
      EXPECT_EQ(cropped[i].response, full[i].response) << "seed " << seed << " candidate " << i;
      EXPECT_EQ(cropped[i].radius_mm, full[i].radius_mm);
      for (int a = 0; a < 3; ++a) EXPECT_NEAR(cropped[i].center_mm[a], full[i].center_mm[a], 1e-9);
    }
  }
  // A search region on the volume's edge: the box reaches the edge, where both clamp alike.
  const auto s = synthetic::generate_study(test_config(), 24, 0);
  const Volume ct = volume_of(s);
  std::vector<std::uint8_t> edge(ct.voxels.size(), 0);
  for (std::size_t v = 0; v < edge.size(); ++v) edge[v] = v % ct.geometry.size[0] < 40;
  CandidateOptions whole;
  whole.crop_to_region = false;
  whole.measure_only_what_peaks_read = false;
  whole.search_margin_mm = 0;
  CandidateOptions crop = whole;
  crop.crop_to_region = true;
  crop.measure_only_what_peaks_read = true;
  const auto a = detect_candidates(ct, edge, crop, kernels::Backend::kCpu);
  const auto b = detect_candidates(ct, edge, whole, kernels::Backend::kCpu);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].response, b[i].response);
  // A region full of edges inside the lungs (a checkerboard of 3-voxel squares): region voxels whose
  // stronger neighbours lie just outside it must still lose to them.
  std::vector<std::uint8_t> checkers = lung_mask(ct);
  for (std::size_t v = 0; v < checkers.size(); ++v) {
    const std::size_t i = v % ct.geometry.size[0], j = (v / ct.geometry.size[0]) % ct.geometry.size[1];
    checkers[v] = checkers[v] && (i / 3 + j / 3) % 2 == 0;
  }
  for (int radius : {1, 2, 3}) {
    crop.nms_radius_vox = whole.nms_radius_vox = radius;
    const auto c = detect_candidates(ct, checkers, crop, kernels::Backend::kCpu);
    const auto d = detect_candidates(ct, checkers, whole, kernels::Backend::kCpu);
    ASSERT_EQ(c.size(), d.size()) << "radius " << radius;
    ASSERT_GT(d.size(), 10u);
    for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c[i].response, d[i].response) << "radius " << radius << " candidate " << i;
  }
  // Nothing to search: no candidates, no work.
  EXPECT_TRUE(detect_candidates(ct, std::vector<std::uint8_t>(ct.voxels.size(), 0), crop, kernels::Backend::kCpu).empty());
}

TEST(Candidates, BadInputGivesNoCrashAndNoNonFiniteCandidate) {
  auto s = synthetic::generate_study(test_config(), 9, 0);
  Volume ct = volume_of(s);
  for (std::size_t v = 0; v < ct.voxels.size(); v += 1009) ct.voxels[v] = std::nanf("");
  for (std::size_t v = 7; v < ct.voxels.size(); v += 2003) ct.voxels[v] = INFINITY;
  const auto candidates = detect_candidates(ct, lung_mask(ct), {}, kernels::Backend::kCpu);
  for (const auto& c : candidates) {
    EXPECT_TRUE(std::isfinite(c.response));
    for (double x : c.center_mm) EXPECT_TRUE(std::isfinite(x));
  }
  // One slice, and an empty volume.
  Volume one = ct;
  one.geometry.size[2] = 1;
  one.voxels.resize(one.geometry.voxel_count());
  EXPECT_NO_THROW(detect_candidates(one, lung_mask(one), {}, kernels::Backend::kCpu));
  Volume empty;
  EXPECT_THROW(lung_mask(empty), Error);
  // A search region of another size is refused, not read past its end.
  EXPECT_THROW(detection::find_candidates(ct, std::vector<std::uint8_t>(10, 1), {}, kernels::Backend::kCpu), Error);
}

}  // namespace
}  // namespace vigil::pipeline
