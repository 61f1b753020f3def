#include "dicom/slice_geometry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace vigil::dicom {
namespace {

using Action = GeometryFinding::Action;

const GeometryFinding* find(const SlicePlan& plan, const std::string& code) {
  for (const auto& f : plan.findings)
    if (f.code == code) return &f;
  return nullptr;
}

// A stack with orientation (row, col), slices at origin + z_k * normal + shift_k.
std::vector<SliceInput> stack(const std::array<double, 6>& o, const std::vector<double>& z,
                              const Vec3& per_slice_shift = {0, 0, 0}) {
  const Vec3 normal = cross({o[0], o[1], o[2]}, {o[3], o[4], o[5]});
  std::vector<SliceInput> out;
  for (std::size_t k = 0; k < z.size(); ++k) {
    SliceInput s;
    s.position_mm = Vec3{10 + z[k] * normal[0] + k * per_slice_shift[0], -20 + z[k] * normal[1] + k * per_slice_shift[1],
                         30 + z[k] * normal[2] + k * per_slice_shift[2]};
    s.orientation = o;
    s.pixel_spacing_mm = {0.7, 0.8};
    s.slice_thickness_mm = 1.25;
    s.rows = 64;
    s.columns = 80;
    out.push_back(s);
  }
  return out;
}

std::vector<double> even(int n, double spacing) {
  std::vector<double> z(n);
  for (int k = 0; k < n; ++k) z[k] = k * spacing;
  return z;
}

constexpr std::array<double, 6> kAxial{1, 0, 0, 0, 1, 0};

// Random oblique orientations, random spacings, random shuffles: ordering and grid always right.
class RandomStacks : public ::testing::TestWithParam<int> {};

TEST_P(RandomStacks, SortsAlongTheNormalWhateverTheInputOrder) {
  std::mt19937 rng(GetParam());
  std::uniform_real_distribution<double> angle(-1.5, 1.5), spacing(0.5, 5.0);
  const double a = angle(rng), b = angle(rng);
  const std::array<double, 6> o{std::cos(a), std::sin(a) * std::cos(b), std::sin(a) * std::sin(b),
                                -std::sin(a), std::cos(a) * std::cos(b), std::cos(a) * std::sin(b)};
  const double dz = spacing(rng);
  const int n = 5 + static_cast<int>(rng() % 40);
  auto slices = stack(o, even(n, dz));
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<SliceInput> shuffled;
  for (auto p : perm) shuffled.push_back(slices[p]);

  const SlicePlan plan = plan_slices(shuffled);
  ASSERT_FALSE(plan.refused()) << plan.refusal_reason();
  EXPECT_TRUE(plan.findings.empty());
  for (int k = 0; k < n; ++k) EXPECT_EQ(perm[plan.order[k]], static_cast<std::size_t>(k));
  EXPECT_NEAR(plan.geometry.spacing_mm[2], dz, 1e-9);
  EXPECT_EQ(plan.geometry.size, (std::array<std::size_t, 3>{80, 64, static_cast<std::size_t>(n)}));
  EXPECT_DOUBLE_EQ(plan.geometry.spacing_mm[0], 0.8);  // column spacing is the second Pixel Spacing value
  EXPECT_DOUBLE_EQ(plan.geometry.spacing_mm[1], 0.7);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(plan.geometry.origin_mm[c], (*slices[0].position_mm)[c], 1e-9);
  EXPECT_FALSE(plan.shear);
  EXPECT_FALSE(plan.resample_z);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomStacks, ::testing::Range(1, 21));

TEST(PlanSlices, ReversedStackIsSortedAscendingAlongTheNormal) {
  auto slices = stack(kAxial, even(10, 2.0));
  std::reverse(slices.begin(), slices.end());
  const SlicePlan plan = plan_slices(slices);
  ASSERT_FALSE(plan.refused());
  EXPECT_EQ(plan.order.front(), 9u);
  EXPECT_EQ(plan.order.back(), 0u);
  EXPECT_NEAR(plan.geometry.origin_mm[2], 30.0, 1e-9);
}

TEST(PlanSlices, UnevenSpacingIsResampledAndRecorded) {
  const SlicePlan plan = plan_slices(stack(kAxial, {0, 1, 2, 3, 5.5, 6.5, 7.5, 8.5}));
  const auto* f = find(plan, "uneven_spacing");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->action, Action::kCorrected);
  EXPECT_TRUE(plan.resample_z);
  EXPECT_NEAR(plan.geometry.spacing_mm[2], 1.0, 1e-9);
  EXPECT_EQ(plan.geometry.size[2], 9u);  // 0 .. 8 mm at 1 mm: never past the last slice
}

TEST(PlanSlices, UnevenSpacingCanBeRefused) {
  GeometryPolicy policy;
  policy.on_uneven_spacing = GeometryPolicy::Action::kRefuse;
  const SlicePlan plan = plan_slices(stack(kAxial, {0, 1, 2, 3, 5.5, 6.5}), policy);
  EXPECT_TRUE(plan.refused());
  EXPECT_NE(plan.refusal_reason().find("uneven_spacing"), std::string::npos);
}

TEST(PlanSlices, MissingSliceIsRefusedByDefaultAndInterpolatedOnRequest) {
  const std::vector<double> z{0, 1.5, 3.0, 6.0, 7.5, 9.0};  // one slice missing at 4.5
  const SlicePlan refused = plan_slices(stack(kAxial, z));
  ASSERT_NE(find(refused, "missing_slices"), nullptr);
  EXPECT_TRUE(refused.refused());
  EXPECT_NE(refused.refusal_reason().find("1 slice(s) missing"), std::string::npos);

  GeometryPolicy policy;
  policy.on_missing_slices = GeometryPolicy::Action::kCorrect;
  const SlicePlan fixed = plan_slices(stack(kAxial, z), policy);
  EXPECT_FALSE(fixed.refused());
  EXPECT_EQ(fixed.geometry.size[2], 7u);
  EXPECT_NEAR(fixed.geometry.spacing_mm[2], 1.5, 1e-9);
}

TEST(PlanSlices, SmallPositionNoiseIsNotUnevenSpacing) {
  std::vector<double> z = even(50, 1.25);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> noise(-0.004, 0.004);
  for (auto& v : z) v += noise(rng);
  const SlicePlan plan = plan_slices(stack(kAxial, z));
  EXPECT_TRUE(plan.findings.empty());
}

TEST(PlanSlices, DuplicatePositionsAreRefused) {
  const SlicePlan plan = plan_slices(stack(kAxial, {0, 1, 1, 2}));
  ASSERT_NE(find(plan, "duplicate_positions"), nullptr);
  EXPECT_TRUE(plan.refused());
}

TEST(PlanSlices, GantryTiltIsDetectedWithItsAngleAndCorrected) {
  // Slices step 2 mm along z while the image plane is tilted by 20 degrees about x.
  const double t = 20.0 * 3.14159265358979 / 180.0;
  const std::array<double, 6> tilted{1, 0, 0, 0, std::cos(t), -std::sin(t)};
  std::vector<SliceInput> slices;
  for (int k = 0; k < 12; ++k) {
    SliceInput s;
    s.position_mm = Vec3{0, 0, 2.0 * k};
    s.orientation = tilted;
    s.pixel_spacing_mm = {0.5, 0.5};
    s.rows = s.columns = 32;
    slices.push_back(s);
  }
  const SlicePlan plan = plan_slices(slices);
  const auto* f = find(plan, "gantry_tilt");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->action, Action::kCorrected);
  EXPECT_NE(f->detail.find("20.00 deg"), std::string::npos) << f->detail;
  EXPECT_TRUE(plan.shear);
  // Spacing along the normal is 2 mm * cos(20 deg).
  EXPECT_NEAR(plan.geometry.spacing_mm[2], 2.0 * std::cos(t), 1e-6);
  // Each slice shifts in-plane by 2 mm * sin(20 deg) / 0.5 mm per pixel along the column axis.
  EXPECT_NEAR(std::abs(plan.shift_px[1][1]), 2.0 * std::sin(t) / 0.5, 1e-6);

  GeometryPolicy refuse;
  refuse.on_gantry_tilt = GeometryPolicy::Action::kRefuse;
  EXPECT_TRUE(plan_slices(slices, refuse).refused());
}

TEST(PlanSlices, InconsistentOrientationIsRefused) {
  auto slices = stack(kAxial, even(5, 1.0));
  slices[3].orientation = std::array<double, 6>{1, 0, 0, 0, 0.9, 0.435889894};
  const SlicePlan plan = plan_slices(slices);
  ASSERT_NE(find(plan, "inconsistent_orientation"), nullptr);
  EXPECT_TRUE(plan.refused());
}

TEST(PlanSlices, MixedDimensionsAndSpacingAreRefused) {
  auto slices = stack(kAxial, even(5, 1.0));
  slices[2].rows = 63;
  EXPECT_NE(find(plan_slices(slices), "mixed_dimensions"), nullptr);
  slices = stack(kAxial, even(5, 1.0));
  slices[4].pixel_spacing_mm = std::array<double, 2>{0.7, 0.9};
  EXPECT_NE(find(plan_slices(slices), "mixed_pixel_spacing"), nullptr);
}

TEST(PlanSlices, MissingPositionIsRefusedNotGuessed) {
  auto slices = stack(kAxial, even(3, 1.0));
  slices[1].position_mm.reset();
  const SlicePlan plan = plan_slices(slices);
  ASSERT_NE(find(plan, "missing_geometry"), nullptr);
  EXPECT_TRUE(plan.refused());
}

TEST(PlanSlices, SingleSliceIsNotedAndUsesSliceThickness) {
  const SlicePlan plan = plan_slices(stack(kAxial, {0}));
  const auto* f = find(plan, "single_slice");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->action, Action::kNoted);
  EXPECT_DOUBLE_EQ(plan.geometry.spacing_mm[2], 1.25);
  GeometryPolicy strict;
  strict.allow_single_slice = false;
  EXPECT_TRUE(plan_slices(stack(kAxial, {0}), strict).refused());
}

TEST(PlanSlices, EmptyInputIsRefused) {
  const SlicePlan plan = plan_slices({});
  EXPECT_TRUE(plan.refused());
  EXPECT_NE(find(plan, "no_images"), nullptr);
}

}  // namespace
}  // namespace vigil::dicom
