// Vigil's reader must agree with ITK's GDCM series reader (the reference most pipelines use) on
// every regular series of the real data: origin, spacing, direction and every voxel.
#include <gtest/gtest.h>
#include <itkGDCMImageIO.h>
#include <itkGDCMSeriesFileNames.h>
#include <itkImage.h>
#include <itkImageSeriesReader.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "dicom/catalog.h"
#include "dicom/volume_reader.h"
#include "tests/support/test_paths.h"

namespace vigil::dicom {
namespace {

using ItkImage = itk::Image<float, 3>;

// ITK sorts the files itself (GDCMSeriesFileNames); we only restrict it to the same files, since
// Vigil skips unreadable files that share the series UID.
ItkImage::Pointer read_with_itk(const Series& series) {
  std::set<std::string> ours;
  for (const auto& h : series.instances) ours.insert(std::filesystem::canonical(h.path).string());
  auto names = itk::GDCMSeriesFileNames::New();
  names->SetUseSeriesDetails(false);
  names->SetDirectory(std::filesystem::path(series.instances.front().path).parent_path().string());
  std::vector<std::string> files;
  for (const auto& f : names->GetFileNames(series.series_instance_uid))
    if (ours.count(std::filesystem::canonical(f).string())) files.push_back(f);
  EXPECT_EQ(files.size(), ours.size()) << "ITK did not list every file of the series";
  auto reader = itk::ImageSeriesReader<ItkImage>::New();
  reader->SetImageIO(itk::GDCMImageIO::New());
  reader->SetFileNames(files);
  reader->Update();
  return reader->GetOutput();
}

// Regular series: the reader needs no correction, and ITK can read them (single-frame instances
// in one folder; ITK's series reader does not assemble multi-frame files or tilted stacks).
bool comparable(const Series& s, const SeriesLayout& layout) {
  if (layout.frames.empty() || layout.plan.refused()) return false;
  for (const auto& f : layout.plan.findings)
    if (f.code != "single_slice") return false;
  std::set<std::string> folders;
  for (const auto& h : s.instances) {
    if (h.number_of_frames != 1) return false;
    folders.insert(std::filesystem::path(h.path).parent_path().string());
  }
  return folders.size() == 1;
}

TEST(ItkAgreement, EveryRegularRealSeriesMatchesItkGeometryAndVoxels) {
  const Catalog catalog = scan_catalog(test::real_data_dir());
  int compared = 0;
  for (const auto& study : catalog.studies) {
    for (const auto& series : study.series) {
      const SeriesLayout layout = analyze_series(series);
      if (!comparable(series, layout)) continue;
      const std::string label = series.instances.front().path + " (" + series.modality + ")";
      SCOPED_TRACE(label);
      const auto ours = read_volume(series).volume;
      const auto itk_image = read_with_itk(series);
      const auto region = itk_image->GetLargestPossibleRegion().GetSize();
      const bool single = ours.geometry.size[2] == 1;
      for (int a = 0; a < 3; ++a) EXPECT_EQ(region[a], ours.geometry.size[a]) << "size axis " << a;
      for (int a = 0; a < (single ? 2 : 3); ++a) {
        EXPECT_NEAR(itk_image->GetSpacing()[a], ours.geometry.spacing_mm[a], 1e-3) << "spacing axis " << a;
        for (int r = 0; r < 3; ++r)
          EXPECT_NEAR(itk_image->GetDirection()[r][a], ours.geometry.direction[r * 3 + a], 1e-4) << "direction";
      }
      for (int r = 0; r < 3; ++r) EXPECT_NEAR(itk_image->GetOrigin()[r], ours.geometry.origin_mm[r], 1e-3) << "origin";
      if (region[0] != ours.geometry.size[0] || region[1] != ours.geometry.size[1] || region[2] != ours.geometry.size[2])
        continue;
      const float* theirs = itk_image->GetBufferPointer();
      std::size_t mismatches = 0;
      for (std::size_t i = 0; i < ours.voxels.size(); ++i)
        if (std::abs(ours.voxels[i] - theirs[i]) > 1e-3f * std::max(1.0f, std::abs(theirs[i]))) ++mismatches;
      EXPECT_EQ(mismatches, 0u) << "voxels differing from ITK";
      ++compared;
    }
  }
  // The chest CT, the JPEG-lossless MR series and the single-image codec cases at least.
  EXPECT_GE(compared, 8);
  std::printf("[ ITK      ] compared %d real series with ITK's GDCM series reader\n", compared);
}

}  // namespace
}  // namespace vigil::dicom
