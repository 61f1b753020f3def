#include "tests/support/series_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "dicom/dcmtk_setup.h"

namespace vigil::test {
namespace {

void check(const OFCondition& c, const std::string& what) {
  if (c.bad()) throw std::runtime_error(what + ": " + c.text());
}

std::string ds(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

std::string join(const double* v, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? "\\" : "") + ds(v[i]);
  return out;
}

std::string new_uid() {
  char buffer[100];
  return dcmGenerateUniqueIdentifier(buffer, SITE_INSTANCE_UID_ROOT);
}

void put_common(DcmDataset& d, const SeriesSpec& spec, const char* sop_class) {
  d.putAndInsertString(DCM_SOPClassUID, sop_class);
  d.putAndInsertString(DCM_SOPInstanceUID, new_uid().c_str());
  d.putAndInsertString(DCM_StudyInstanceUID, spec.study_uid.c_str());
  d.putAndInsertString(DCM_SeriesInstanceUID, spec.series_uid.c_str());
  d.putAndInsertString(DCM_FrameOfReferenceUID, (spec.study_uid + ".9").c_str());
  d.putAndInsertString(DCM_PatientName, "Synthetic^Test");
  d.putAndInsertString(DCM_PatientID, "VIGIL-TEST");
  d.putAndInsertString(DCM_Modality, "CT");
  d.putAndInsertString(DCM_SeriesNumber, "1");
  d.putAndInsertString(DCM_StudyDate, "20260101");
  d.putAndInsertString(DCM_StudyTime, "120000");
  d.putAndInsertString(DCM_StudyID, "1");
  d.putAndInsertString(DCM_AccessionNumber, "");
  d.putAndInsertString(DCM_ReferringPhysicianName, "");
  d.putAndInsertString(DCM_PatientBirthDate, "");
  d.putAndInsertString(DCM_PatientSex, "O");
  d.putAndInsertString(DCM_Manufacturer, "Vigil test writer");
  d.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(spec.rows));
  d.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(spec.columns));
  d.putAndInsertUint16(DCM_SamplesPerPixel, 1);
  d.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  d.putAndInsertUint16(DCM_BitsAllocated, 16);
  d.putAndInsertUint16(DCM_BitsStored, 16);
  d.putAndInsertUint16(DCM_HighBit, 15);
  d.putAndInsertUint16(DCM_PixelRepresentation, 0);
}

std::vector<Uint16> slice_pixels(const SeriesSpec& spec, int k) {
  std::vector<Uint16> px(static_cast<std::size_t>(spec.rows) * spec.columns);
  for (int j = 0; j < spec.rows; ++j)
    for (int i = 0; i < spec.columns; ++i) px[j * spec.columns + i] = static_cast<Uint16>(stored_value(i, j, k));
  return px;
}

void save(DcmFileFormat& file, const std::string& path, Encoding encoding) {
  DcmDataset& d = *file.getDataset();
  E_TransferSyntax xfer = EXS_LittleEndianExplicit;
  switch (encoding) {
    case Encoding::kExplicitLittle: break;
    case Encoding::kImplicitLittle: xfer = EXS_LittleEndianImplicit; break;
    case Encoding::kExplicitBig: xfer = EXS_BigEndianExplicit; break;
    case Encoding::kDeflate: xfer = EXS_DeflatedLittleEndianExplicit; break;
    case Encoding::kJpegLossless: {
      dicom::ensure_dcmtk_encoders();
      xfer = EXS_JPEGProcess14SV1;
      DJ_RPLossless params;
      check(d.chooseRepresentation(xfer, &params), "JPEG lossless encoding");
      break;
    }
    case Encoding::kJpegLs: {
      dicom::ensure_dcmtk_encoders();
      xfer = EXS_JPEGLSLossless;
      DJLSRepresentationParameter params(0, OFTrue);
      check(d.chooseRepresentation(xfer, &params), "JPEG-LS encoding");
      break;
    }
    case Encoding::kRle: {
      dicom::ensure_dcmtk_encoders();
      xfer = EXS_RLELossless;
      check(d.chooseRepresentation(xfer, nullptr), "RLE encoding");
      break;
    }
  }
  check(file.saveFile(path.c_str(), xfer), "writing " + path);
}

}  // namespace

std::vector<Vec3> regular_positions(const Vec3& origin, const std::array<double, 6>& o, double spacing_mm,
                                    int count) {
  const Vec3 normal = cross({o[0], o[1], o[2]}, {o[3], o[4], o[5]});
  std::vector<Vec3> out;
  for (int k = 0; k < count; ++k)
    out.push_back({origin[0] + k * spacing_mm * normal[0], origin[1] + k * spacing_mm * normal[1],
                   origin[2] + k * spacing_mm * normal[2]});
  return out;
}

std::vector<std::string> write_series(const SeriesSpec& spec, const std::string& dir,
                                      const std::vector<std::string>& names) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> paths;
  for (std::size_t k = 0; k < spec.positions.size(); ++k) {
    DcmFileFormat file;
    DcmDataset& d = *file.getDataset();
    put_common(d, spec, UID_CTImageStorage);
    d.putAndInsertString(DCM_ImageType, spec.image_type.c_str());
    d.putAndInsertString(DCM_InstanceNumber, std::to_string(k + 1).c_str());
    d.putAndInsertString(DCM_ImagePositionPatient, join(spec.positions[k].data(), 3).c_str());
    d.putAndInsertString(DCM_ImageOrientationPatient, join(spec.orientation.data(), 6).c_str());
    d.putAndInsertString(DCM_PixelSpacing, join(spec.pixel_spacing_mm.data(), 2).c_str());
    d.putAndInsertString(DCM_SliceThickness, ds(spec.slice_thickness_mm).c_str());
    d.putAndInsertString(DCM_RescaleSlope, ds(spec.slope).c_str());
    d.putAndInsertString(DCM_RescaleIntercept, ds(spec.intercept).c_str());
    const auto px = slice_pixels(spec, static_cast<int>(k));
    check(d.putAndInsertUint16Array(DCM_PixelData, px.data(), static_cast<unsigned long>(px.size())), "pixels");
    const std::string path = dir + "/" + (k < names.size() ? names[k] : "slice_" + std::to_string(k) + ".dcm");
    save(file, path, spec.encoding);
    paths.push_back(path);
  }
  return paths;
}

std::string write_enhanced_ct(const SeriesSpec& spec, const std::string& path) {
  DcmFileFormat file;
  DcmDataset& d = *file.getDataset();
  put_common(d, spec, UID_EnhancedCTImageStorage);
  d.putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL\\NONE");
  d.putAndInsertString(DCM_InstanceNumber, "1");
  d.putAndInsertString(DCM_NumberOfFrames, std::to_string(spec.positions.size()).c_str());
  // Shared: orientation, pixel measures and rescale; per frame: position (PS3.3 C.7.6.16).
  DcmItem* shared = nullptr;
  check(d.findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0), "shared groups");
  DcmItem* item = nullptr;
  check(shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, item, 0), "orientation");
  item->putAndInsertString(DCM_ImageOrientationPatient, join(spec.orientation.data(), 6).c_str());
  check(shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, item, 0), "measures");
  item->putAndInsertString(DCM_PixelSpacing, join(spec.pixel_spacing_mm.data(), 2).c_str());
  item->putAndInsertString(DCM_SliceThickness, ds(spec.slice_thickness_mm).c_str());
  check(shared->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, item, 0), "rescale");
  item->putAndInsertString(DCM_RescaleSlope, ds(spec.slope).c_str());
  item->putAndInsertString(DCM_RescaleIntercept, ds(spec.intercept).c_str());
  std::vector<Uint16> all;
  for (std::size_t k = 0; k < spec.positions.size(); ++k) {
    DcmItem* frame = nullptr;
    check(d.findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, frame, static_cast<long>(k)), "frame");
    check(frame->findOrCreateSequenceItem(DCM_PlanePositionSequence, item, 0), "position");
    item->putAndInsertString(DCM_ImagePositionPatient, join(spec.positions[k].data(), 3).c_str());
    const auto px = slice_pixels(spec, static_cast<int>(k));
    all.insert(all.end(), px.begin(), px.end());
  }
  check(d.putAndInsertUint16Array(DCM_PixelData, all.data(), static_cast<unsigned long>(all.size())), "pixels");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  save(file, path, spec.encoding);
  return path;
}

}  // namespace vigil::test
