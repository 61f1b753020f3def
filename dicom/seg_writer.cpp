#include "dicom/seg_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <cmath>
#include <memory>

#include "core/error.h"
#include "core/version.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/result_common.h"

namespace vigil::dicom {
namespace {

// The source image lying in slice k's plane with the same pixel grid, or nullptr.
const SourceImage* same_plane_image(const SourceSeries& source, const Geometry& g, std::size_t k) {
  const Vec3 origin = g.index_to_physical({0, 0, static_cast<double>(k)});
  const SourceImage& image = source.images[nearest_image(source, origin)];
  const Vec3 offset = sub(origin, image.position_mm);
  const bool same_grid = norm(offset) < 0.01 && image.columns == static_cast<int>(g.size[0]) &&
                         image.rows == static_cast<int>(g.size[1]) &&
                         std::abs(dot(image.row_direction, g.axis(0)) - 1) < 1e-4 &&
                         std::abs(dot(image.column_direction, g.axis(1)) - 1) < 1e-4;
  return same_grid ? &image : nullptr;
}

// Common Instance Reference (PS3.3 C.12.2): the source series, every instance.
void reference_source_series(DcmItem& dataset, const SourceSeries& source) {
  DcmItem* series = nullptr;
  check_dcmtk(dataset.findOrCreateSequenceItem(DCM_ReferencedSeriesSequence, series, 0), "Referenced Series");
  put_string(*series, DCM_SeriesInstanceUID, source.series_instance_uid);
  std::string last;
  long item = 0;
  for (const SourceImage& image : source.images) {
    if (image.sop_instance_uid == last) continue;  // frames of one multi-frame instance
    last = image.sop_instance_uid;
    DcmItem* ref = nullptr;
    check_dcmtk(series->findOrCreateSequenceItem(DCM_ReferencedInstanceSequence, ref, item++), "Referenced Instance");
    put_string(*ref, DCM_ReferencedSOPClassUID, image.sop_class_uid);
    put_string(*ref, DCM_ReferencedSOPInstanceUID, image.sop_instance_uid);
  }
}

}  // namespace

bool write_segmentation(const ResultInput& input, const std::string& path) {
  ensure_dcmtk_ready();
  if (!input.labels || input.labels->labels.size() != input.labels->geometry.voxel_count())
    throw Error(ErrorCode::kInvalidArgument, "segmentation needs the lesion label volume");
  if (input.findings.empty()) return false;
  const Geometry& g = input.labels->geometry;
  const SourceSeries& source = *input.source;

  DcmSegmentation* raw = nullptr;
  IODGeneralEquipmentModule::EquipmentInfo equipment("Vigil", input.algorithm.name.c_str(), "0",
                                                      (std::string("Vigil ") + kVersion).c_str());
  ContentIdentificationMacro content("1", "VIGIL_LESIONS", "Lesion masks (research use)", "Vigil^");
  check_dcmtk(DcmSegmentation::createBinarySegmentation(raw, static_cast<Uint16>(g.size[1]),
                                                        static_cast<Uint16>(g.size[0]), equipment, content),
              "creating SEG");
  std::unique_ptr<DcmSegmentation> seg(raw);
  check_dcmtk(seg->getFrameOfReference().setFrameOfReferenceUID(source.frame_of_reference_uid.c_str()),
              "SEG frame of reference");

  // Shared: pixel measures and orientation of the analysed grid.
  FGPixelMeasures measures;
  check_dcmtk(measures.setPixelSpacing((decimal_string(g.spacing_mm[1]) + "\\" + decimal_string(g.spacing_mm[0])).c_str()),
              "SEG pixel spacing");
  check_dcmtk(measures.setSliceThickness(decimal_string(g.spacing_mm[2]).c_str()), "SEG slice thickness");
  check_dcmtk(seg->addForAllFrames(measures), "SEG pixel measures");
  FGPlaneOrientationPatient orientation;
  const Vec3 r = g.axis(0), c = g.axis(1);
  check_dcmtk(orientation.setImageOrientationPatient(decimal_string(r[0]).c_str(), decimal_string(r[1]).c_str(),
                                                     decimal_string(r[2]).c_str(), decimal_string(c[0]).c_str(),
                                                     decimal_string(c[1]).c_str(), decimal_string(c[2]).c_str()),
              "SEG orientation");
  check_dcmtk(seg->addForAllFrames(orientation), "SEG orientation");

  const std::string dimension_uid = result_uid(input, "seg/dimensions");
  check_dcmtk(seg->getDimensions().addDimensionIndex(DCM_ReferencedSegmentNumber, dimension_uid.c_str(),
                                                     DCM_SegmentIdentificationSequence, "ReferencedSegmentNumber"),
              "SEG dimension");
  check_dcmtk(seg->getDimensions().addDimensionIndex(DCM_ImagePositionPatient, dimension_uid.c_str(),
                                                     DCM_PlanePositionSequence, "ImagePositionPatient"),
              "SEG dimension");

  const std::size_t plane = g.size[0] * g.size[1];
  for (const Finding& f : input.findings) {
    DcmSegment* segment = nullptr;
    check_dcmtk(DcmSegment::create(segment, ("Lesion " + std::to_string(f.number)).c_str(),
                                   CodeSequenceMacro("49755003", "SCT", "Morphologically Altered Structure"),
                                   CodeSequenceMacro("27925004", "SCT", "Nodule"), DcmSegTypes::SAT_AUTOMATIC,
                                   input.algorithm.name.c_str()),
                "SEG segment");
    check_dcmtk(segment->setTrackingID(("Lesion " + std::to_string(f.number)).c_str()), "SEG tracking id");
    check_dcmtk(segment->setTrackingUID(f.tracking_uid.c_str()), "SEG tracking UID");
    Uint16 segment_number = 0;
    check_dcmtk(seg->addSegment(segment, segment_number), "adding SEG segment");

    for (std::size_t k = 0; k < g.size[2]; ++k) {
      std::vector<Uint8> frame(plane, 0);
      bool any = false;
      for (std::size_t p = 0; p < plane; ++p)
        if (input.labels->labels[k * plane + p] == f.number) frame[p] = 1, any = true;
      if (!any) continue;
      FGPlanePosPatient position;
      const Vec3 o = g.index_to_physical({0, 0, static_cast<double>(k)});
      check_dcmtk(position.setImagePositionPatient(decimal_string(o[0]).c_str(), decimal_string(o[1]).c_str(),
                                                   decimal_string(o[2]).c_str()),
                  "SEG frame position");
      FGFrameContent frame_content;
      check_dcmtk(frame_content.setDimensionIndexValues(segment_number, 0), "SEG dimension index");
      check_dcmtk(frame_content.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1), "SEG dimension index");
      OFVector<FGBase*> per_frame{&position, &frame_content};
      std::unique_ptr<FGDerivationImage> derivation;
      if (const SourceImage* image = same_plane_image(source, g, k)) {
        ImageSOPInstanceReferenceMacro ref;
        check_dcmtk(ref.setReferencedSOPClassUID(image->sop_class_uid.c_str()), "SEG source reference");
        check_dcmtk(ref.setReferencedSOPInstanceUID(image->sop_instance_uid.c_str()), "SEG source reference");
        if (image->number_of_frames > 1) ref.addReferencedFrameNumber(static_cast<Uint16>(image->frame + 1));
        derivation.reset(FGDerivationImage::createMinimal(
            {ref}, "Lesion segmentation", CodeSequenceMacro("113076", "DCM", "Segmentation"),
            CodeSequenceMacro("121322", "DCM", "Source image for image processing operation")));
        if (derivation) per_frame.push_back(derivation.get());
      }
      check_dcmtk(seg->addFrame(frame.data(), segment_number, per_frame), "adding SEG frame");
    }
  }

  // Identity the IOD checks on write; put_common_modules sets the same values again below.
  check_dcmtk(seg->getStudy().setStudyInstanceUID(source.study_instance_uid.c_str()), "SEG study UID");
  check_dcmtk(seg->getSeries().setSeriesInstanceUID(result_uid(input, "seg/series").c_str()), "SEG series UID");
  check_dcmtk(seg->getSeries().setSeriesNumber(std::to_string(kSegSeriesNumber).c_str()), "SEG series number");
  check_dcmtk(seg->getSOPCommon().setSOPInstanceUID(result_uid(input, "seg/instance").c_str()), "SEG instance UID");
  DcmDataset dataset;
  check_dcmtk(seg->writeDataset(dataset), "encoding SEG");
  put_common_modules(dataset, input, UID_SegmentationStorage, "seg", "SEG", kSegSeriesNumber, "Vigil lesion masks");
  put_string(dataset, DCM_ImageComments, kResearchUseNotice);
  reference_source_series(dataset, source);
  save_part10(dataset, path);
  return true;
}

}  // namespace vigil::dicom
