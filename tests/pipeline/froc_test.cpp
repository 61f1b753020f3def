// FROC and CPM scored as LUNA16 does: hits within the lesion radius, later marks on a found lesion
// ignored, sensitivity read at the seven false-positive rates, subsets that ignore other lesions.
#include <gtest/gtest.h>

#include "pipeline/froc.h"

namespace vigil::pipeline {
namespace {

TEST(Froc, HitNeedsTheCentreWithinTheLesionRadius) {
  const std::vector<TruthLesion> lesions{{{0, 0, 0}, 10, true}, {{20, 0, 0}, 4, true}};
  EXPECT_EQ(hit_lesion({{4.9, 0, 0}, 1}, lesions), 0);
  EXPECT_EQ(hit_lesion({{5.1, 0, 0}, 1}, lesions), -1);
  EXPECT_EQ(hit_lesion({{21.5, 0, 0}, 1}, lesions), 1);
  EXPECT_EQ(hit_lesion({{17.9, 0, 0}, 1}, lesions), -1);
}

TEST(Froc, CurveCountsEachLesionOnceAndFalsePositivesPerStudy) {
  // Two studies, three lesions. Marks by probability: hit A (0.9), duplicate on A (0.8, ignored),
  // FP (0.7), hit B (0.6), FP (0.5), FP (0.4), hit C (0.3).
  const std::vector<std::vector<TruthLesion>> lesions{{{{0, 0, 0}, 10, true}, {{50, 0, 0}, 10, true}},
                                                      {{{0, 0, 0}, 10, true}}};
  const std::vector<std::vector<Mark>> marks{
      {{{1, 0, 0}, 0.9}, {{2, 0, 0}, 0.8}, {{100, 0, 0}, 0.7}, {{50, 1, 0}, 0.6}},
      {{{100, 0, 0}, 0.5}, {{-100, 0, 0}, 0.4}, {{0, 0, 1}, 0.3}}};
  const Froc f = compute_froc(marks, lesions);
  EXPECT_EQ(f.lesions, 3u);
  EXPECT_EQ(f.studies, 2u);
  ASSERT_EQ(f.curve.size(), 7u);
  EXPECT_DOUBLE_EQ(f.curve[1].sensitivity, 1.0 / 3);  // the duplicate changed nothing
  EXPECT_DOUBLE_EQ(f.curve[1].fp_per_study, 0.0);
  EXPECT_DOUBLE_EQ(f.curve.back().sensitivity, 1.0);
  EXPECT_DOUBLE_EQ(f.curve.back().fp_per_study, 1.5);
  // At <= 1/8, 1/4: only A (FPs 0). At 1/2: A and B (one FP = 0.5 per study). At 1: A, B (two FPs
  // before C would need 1.5). At 2, 4, 8: all three.
  const std::array<double, 7> expected{1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1, 1, 1};
  for (std::size_t i = 0; i < 7; ++i) EXPECT_NEAR(f.sensitivity_at[i], expected[i], 1e-12) << i;
  EXPECT_NEAR(f.cpm, (1.0 / 3 * 2 + 2.0 / 3 * 2 + 3) / 7, 1e-12);
}

TEST(Froc, SubsetIgnoresMarksOnOtherLesions) {
  // Lesion 1 is outside the subset: its mark is neither a hit nor a false positive.
  const std::vector<std::vector<TruthLesion>> lesions{{{{0, 0, 0}, 10, true}, {{50, 0, 0}, 10, false}}};
  const std::vector<std::vector<Mark>> marks{{{{50, 0, 0}, 0.9}, {{0, 0, 0}, 0.8}}};
  const Froc f = compute_froc(marks, lesions);
  EXPECT_EQ(f.lesions, 1u);
  ASSERT_EQ(f.curve.size(), 1u);
  EXPECT_DOUBLE_EQ(f.curve[0].fp_per_study, 0.0);
  EXPECT_DOUBLE_EQ(f.cpm, 1.0);
}

TEST(Froc, NoMarksGivesZeroAndStudiesWithoutLesionsOnlyAddFalsePositives) {
  const Froc none = compute_froc({{}, {}}, {{{{0, 0, 0}, 10, true}}, {}});
  EXPECT_DOUBLE_EQ(none.cpm, 0.0);
  EXPECT_TRUE(none.curve.empty());
  const Froc fp_only = compute_froc({{}, {{{0, 0, 0}, 0.9}}}, {{}, {}});
  EXPECT_EQ(fp_only.lesions, 0u);
  ASSERT_EQ(fp_only.curve.size(), 1u);
  EXPECT_DOUBLE_EQ(fp_only.curve[0].fp_per_study, 0.5);
}

}  // namespace
}  // namespace vigil::pipeline
