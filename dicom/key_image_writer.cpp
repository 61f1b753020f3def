#include "dicom/key_image_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/version.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/result_common.h"

namespace vigil::dicom {
namespace {

constexpr double kWindowCentre = -600, kWindowWidth = 1500;  // lung window

cv::Mat render(const ResultInput& input, const Finding& f) {
  const Volume& ct = *input.ct;
  const Geometry& g = ct.geometry;
  const int rows = static_cast<int>(g.size[1]), columns = static_cast<int>(g.size[0]);
  cv::Mat grey(rows, columns, CV_8U);
  const std::size_t offset = f.key_slice * g.size[0] * g.size[1];
  const double low = kWindowCentre - kWindowWidth / 2;
  for (int j = 0; j < rows; ++j)
    for (int i = 0; i < columns; ++i) {
      const double v = (ct.voxels[offset + static_cast<std::size_t>(j) * columns + i] - low) / kWindowWidth * 255.0;
      grey.at<std::uint8_t>(j, i) = static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
    }
  cv::Mat picture;
  cv::cvtColor(grey, picture, cv::COLOR_GRAY2RGB);
  std::vector<cv::Point> outline;
  for (const Vec3& p : f.outline_mm) {
    const Vec3 idx = g.physical_to_index(p);
    outline.emplace_back(static_cast<int>(std::lround(idx[0])), static_cast<int>(std::lround(idx[1])));
  }
  // The outline drawn just outside the lesion so its edge stays visible.
  if (!outline.empty()) cv::polylines(picture, std::vector<std::vector<cv::Point>>{outline}, true, cv::Scalar(255, 220, 0), 1);
  const double scale = std::max(0.35, columns / 1400.0);
  const std::string label = "Lesion " + std::to_string(f.number) + "  " + lesion_type_name(f.type) + "  " +
                            std::to_string(static_cast<int>(std::lround(f.long_axis_mm))) + " mm  p=" +
                            std::to_string(static_cast<int>(std::lround(f.probability * 100))) + "%";
  cv::putText(picture, label, {6, static_cast<int>(20 * scale / 0.37)}, cv::FONT_HERSHEY_SIMPLEX, scale,
              cv::Scalar(255, 220, 0), 1, cv::LINE_AA);
  cv::putText(picture, "Vigil " + std::string(kVersion) + " - research use only, not for diagnosis",
              {6, rows - 8}, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
  return picture;
}

void write_secondary_capture(const ResultInput& input, const Finding& f, const cv::Mat& rgb, const std::string& path) {
  const SourceSeries& source = *input.source;
  DcmDataset d;
  const std::string kind = "sc/" + std::to_string(f.number);
  put_common_modules(d, input, UID_SecondaryCaptureImageStorage, "sc", "OT", kKeyImageSeriesNumber,
                     "Vigil key images");
  // One series, one instance per lesion.
  put_string(d, DCM_SOPInstanceUID, result_uid(input, kind + "/instance"));
  put_string(d, DCM_InstanceNumber, std::to_string(f.number));
  put_string(d, DCM_ConversionType, "WSD");
  put_string(d, DCM_PatientOrientation, "");
  put_string(d, DCM_Laterality, "");  // type 2C; chest CT is not a paired structure
  put_string(d, DCM_ImageType, "DERIVED\\SECONDARY");
  put_string(d, DCM_BurnedInAnnotation, "YES");
  put_string(d, DCM_ImageComments, "Lesion " + std::to_string(f.number) + ". " + kResearchUseNotice);
  put_string(d, DCM_DerivationDescription, "Key slice in a lung window with the lesion outline drawn by " +
                                               input.algorithm.name + " " + input.algorithm.version);
  const SourceImage& key = source.images[nearest_image(source, f.outline_mm.empty() ? f.center_mm : f.outline_mm[0])];
  DcmItem* ref = nullptr;
  check_dcmtk(d.findOrCreateSequenceItem(DCM_SourceImageSequence, ref, 0), "Source Image Sequence");
  put_string(*ref, DCM_ReferencedSOPClassUID, key.sop_class_uid);
  put_string(*ref, DCM_ReferencedSOPInstanceUID, key.sop_instance_uid);
  if (key.number_of_frames > 1) put_string(*ref, DCM_ReferencedFrameNumber, std::to_string(key.frame + 1));
  check_dcmtk(d.putAndInsertUint16(DCM_SamplesPerPixel, 3), "SC samples");
  put_string(d, DCM_PhotometricInterpretation, "RGB");
  check_dcmtk(d.putAndInsertUint16(DCM_PlanarConfiguration, 0), "SC planar configuration");
  check_dcmtk(d.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(rgb.rows)), "SC rows");
  check_dcmtk(d.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(rgb.cols)), "SC columns");
  check_dcmtk(d.putAndInsertUint16(DCM_BitsAllocated, 8), "SC bits");
  check_dcmtk(d.putAndInsertUint16(DCM_BitsStored, 8), "SC bits");
  check_dcmtk(d.putAndInsertUint16(DCM_HighBit, 7), "SC bits");
  check_dcmtk(d.putAndInsertUint16(DCM_PixelRepresentation, 0), "SC pixel representation");
  const cv::Mat contiguous = rgb.isContinuous() ? rgb : rgb.clone();
  check_dcmtk(d.putAndInsertUint8Array(DCM_PixelData, contiguous.ptr<Uint8>(0), contiguous.total() * 3),
              "SC pixel data");
  save_part10(d, path);
}

void write_kos(const ResultInput& input, const std::vector<std::pair<std::string, std::string>>& images,
               const std::string& path) {
  const SourceSeries& source = *input.source;
  DSRDocument doc(DSRTypes::DT_KeyObjectSelectionDocument);
  check_dcmtk(doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8), "KOS character set");
  DSRDocumentTree& tree = doc.getTree();
  tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container);
  tree.getCurrentContentItem().setConceptName(DSRCodedEntryValue("113000", "DCM", "Of Interest"));
  tree.getCurrentContentItem().setTemplateIdentification("2010", "DCMR");
  check_dcmtk(tree.addChildContentItem(DSRTypes::RT_contains, DSRTypes::VT_Text,
                                       DSRCodedEntryValue("113012", "DCM", "Key Object Description")),
              "KOS description");
  tree.getCurrentContentItem().setStringValue(("Lesion key images by " + input.algorithm.name + " " +
                                               input.algorithm.version + ". " + kResearchUseNotice)
                                                  .c_str());
  for (const auto& [sop_class, sop_instance] : images) {
    check_dcmtk(tree.addContentItem(DSRTypes::RT_contains, DSRTypes::VT_Image, DSRTypes::AM_afterCurrent) ? EC_Normal
                                                                                                          : EC_IllegalCall,
                "KOS image");
    check_dcmtk(tree.getCurrentContentItem().setImageReference(DSRImageReferenceValue(sop_class.c_str(),
                                                                                      sop_instance.c_str())),
                "KOS image reference");
    doc.getCurrentRequestedProcedureEvidence().addItem(source.study_instance_uid,
                                                       result_uid(input, "sc/series"), sop_class.c_str(),
                                                       sop_instance.c_str());
  }
  DcmDataset dataset;
  check_dcmtk(doc.write(dataset), "encoding KOS");
  put_common_modules(dataset, input, UID_KeyObjectSelectionDocumentStorage, "kos", "KO", kKosSeriesNumber,
                     "Vigil key images");
  // KOS has no Content Date/Time module attributes beyond the document's own; keep DSRDocument's.
  save_part10(dataset, path);
}

}  // namespace

std::vector<std::uint8_t> render_key_image(const ResultInput& input, const Finding& f) {
  const cv::Mat picture = render(input, f);
  return std::vector<std::uint8_t>(picture.datastart, picture.dataend);
}

KeyImageFiles write_key_images(const ResultInput& input, const std::string& folder) {
  ensure_dcmtk_ready();
  if (!input.ct) throw Error(ErrorCode::kInvalidArgument, "key images need the analysed volume");
  std::filesystem::create_directories(folder);
  KeyImageFiles files;
  std::vector<std::pair<std::string, std::string>> listed;
  for (const Finding& f : input.findings) {
    const cv::Mat picture = render(input, f);
    const std::string n = std::to_string(f.number);
    const std::string sc = folder + "/sc-" + n + ".dcm", png = folder + "/lesion-" + n + ".png";
    write_secondary_capture(input, f, picture, sc);
    cv::Mat bgr;
    cv::cvtColor(picture, bgr, cv::COLOR_RGB2BGR);
    if (!cv::imwrite(png, bgr)) throw Error(ErrorCode::kIo, png + ": cannot write PNG");
    files.secondary_captures.push_back(sc);
    files.pngs.push_back(png);
    listed.emplace_back(UID_SecondaryCaptureImageStorage, result_uid(input, "sc/" + n + "/instance"));
  }
  if (!listed.empty()) {
    files.key_object_selection = folder + "/kos.dcm";
    write_kos(input, listed, files.key_object_selection);
  }
  return files;
}

}  // namespace vigil::dicom
