#include "dicom/ct_series_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "core/parallel.h"
#include "core/uid.h"
#include "dicom/dcmtk_helpers.h"
#include "dicom/dcmtk_setup.h"

namespace vigil::dicom {
TransferSyntax parse_transfer_syntax(const std::string& name) {
  if (name == "explicit") return TransferSyntax::kExplicitLittle;
  if (name == "jpeg-lossless") return TransferSyntax::kJpegLossless;
  if (name == "jpeg-ls") return TransferSyntax::kJpegLsLossless;
  if (name == "rle") return TransferSyntax::kRle;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown transfer syntax '" + name + "' (explicit, jpeg-lossless, jpeg-ls, rle)");
}

std::vector<std::string> write_ct_series(const CtSeriesInfo& info, const CtPlanes& planes,
                                         const std::vector<CtSlice>& slices, const std::string& folder,
                                         TransferSyntax syntax) {
  ensure_dcmtk_ready();
  ensure_dcmtk_encoders();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw Error(ErrorCode::kIo, folder + ": cannot create folder: " + ec.message());
  const Vec3 normal = cross(planes.row, planes.col);
  std::vector<std::string> paths(slices.size());
  parallel_for(slices.size(), [&](std::size_t n) {
    const CtSlice& s = slices[n];
    DcmFileFormat file;
    DcmDataset& d = *file.getDataset();
    put_string(d, DCM_SpecificCharacterSet, "ISO_IR 100");
    put_string(d, DCM_SOPClassUID, UID_CTImageStorage);
    put_string(d, DCM_SOPInstanceUID, derived_uid(info.series_instance_uid + "/instance/" + std::to_string(s.instance_number)));
    // Patient, General Study (PS3.3 C.7.1.1, C.7.2.1)
    put_string(d, DCM_PatientName, info.patient_name);
    put_string(d, DCM_PatientID, info.patient_id);
    put_string(d, DCM_PatientBirthDate, info.patient_birth_date);
    put_string(d, DCM_PatientSex, info.patient_sex);
    put_string(d, DCM_StudyInstanceUID, info.study_instance_uid);
    put_string(d, DCM_StudyDate, info.study_date);
    put_string(d, DCM_StudyTime, info.study_time);
    put_string(d, DCM_ReferringPhysicianName, "");
    put_string(d, DCM_StudyID, info.study_id);
    put_string(d, DCM_AccessionNumber, info.accession_number);
    if (!info.study_description.empty()) put_string(d, DCM_StudyDescription, info.study_description);
    // General Series, Frame of Reference, General Equipment (C.7.3.1, C.7.4.1, C.7.5.1)
    put_string(d, DCM_Modality, "CT");
    put_string(d, DCM_SeriesInstanceUID, info.series_instance_uid);
    put_string(d, DCM_SeriesNumber, std::to_string(info.series_number));
    if (!info.series_description.empty()) put_string(d, DCM_SeriesDescription, info.series_description);
    put_string(d, DCM_BodyPartExamined, info.body_part);
    put_string(d, DCM_PatientPosition, "HFS");
    put_string(d, DCM_FrameOfReferenceUID, info.frame_of_reference_uid);
    put_string(d, DCM_PositionReferenceIndicator, "");
    put_string(d, DCM_Manufacturer, info.manufacturer);
    if (!info.model_name.empty()) put_string(d, DCM_ManufacturerModelName, info.model_name);
    if (!info.software_version.empty()) put_string(d, DCM_SoftwareVersions, info.software_version);
    if (!info.requested_priority.empty()) {
      // Requested Procedure Priority travels in the Request Attributes Sequence (C.7.3.1).
      DcmItem* request = nullptr;
      check_dcmtk(d.findOrCreateSequenceItem(DCM_RequestAttributesSequence, request, 0), "request attributes");
      check_dcmtk(request->putAndInsertString(DCM_RequestedProcedureID, info.accession_number.empty() ? "1" : info.accession_number.c_str()), "request id");
      check_dcmtk(request->putAndInsertString(DCM_ScheduledProcedureStepID, "1"), "step id");
      check_dcmtk(request->putAndInsertString(DCM_RequestedProcedurePriority, info.requested_priority.c_str()), "priority");
    }
    // General Image, Image Plane, CT Image (C.7.6.1, C.7.6.2, C.8.2.1)
    put_string(d, DCM_InstanceNumber, std::to_string(s.instance_number));
    put_string(d, DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
    put_string(d, DCM_AcquisitionNumber, "1");
    put_string(d, DCM_ContentDate, info.study_date);
    put_string(d, DCM_ContentTime, info.study_time);
    if (!info.image_comments.empty()) put_string(d, DCM_ImageComments, info.image_comments);
    put_string(d, DCM_BurnedInAnnotation, "NO");
    put_string(d, DCM_PixelSpacing, decimal_strings({planes.spacing_col_mm, planes.spacing_row_mm}));
    put_string(d, DCM_ImageOrientationPatient, decimal_strings({planes.row[0], planes.row[1], planes.row[2], planes.col[0],
                                                 planes.col[1], planes.col[2]}));
    put_string(d, DCM_ImagePositionPatient, decimal_strings({s.position_mm[0], s.position_mm[1], s.position_mm[2]}));
    put_string(d, DCM_SliceThickness, decimal_string(planes.thickness_mm));
    put_string(d, DCM_SliceLocation, decimal_string(dot(s.position_mm, normal)));
    put_string(d, DCM_KVP, decimal_string(info.kvp));
    put_string(d, DCM_RescaleIntercept, "-1024");
    put_string(d, DCM_RescaleSlope, "1");
    put_string(d, DCM_RescaleType, "HU");
    check_dcmtk(d.putAndInsertUint16(DCM_SamplesPerPixel, 1), "samples");
    put_string(d, DCM_PhotometricInterpretation, "MONOCHROME2");
    check_dcmtk(d.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(planes.rows)), "rows");
    check_dcmtk(d.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(planes.columns)), "columns");
    check_dcmtk(d.putAndInsertUint16(DCM_BitsAllocated, 16), "bits");
    check_dcmtk(d.putAndInsertUint16(DCM_BitsStored, 12), "bits");
    check_dcmtk(d.putAndInsertUint16(DCM_HighBit, 11), "bits");
    check_dcmtk(d.putAndInsertUint16(DCM_PixelRepresentation, 0), "representation");
    const std::size_t count = static_cast<std::size_t>(planes.rows) * planes.columns;
    std::vector<Uint16> stored(count);
    for (std::size_t i = 0; i < count; ++i)
      stored[i] = static_cast<Uint16>(std::clamp(std::lround(s.hu[i]) + 1024L, 0L, 4095L));
    check_dcmtk(d.putAndInsertUint16Array(DCM_PixelData, stored.data(), static_cast<unsigned long>(count)), "pixels");

    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    if (syntax == TransferSyntax::kJpegLossless) {
      xfer = EXS_JPEGProcess14SV1;
      DJ_RPLossless params;
      check_dcmtk(d.chooseRepresentation(xfer, &params), "JPEG lossless encoding");
    } else if (syntax == TransferSyntax::kJpegLsLossless) {
      xfer = EXS_JPEGLSLossless;
      DJLSRepresentationParameter params(0, OFTrue);
      check_dcmtk(d.chooseRepresentation(xfer, &params), "JPEG-LS encoding");
    } else if (syntax == TransferSyntax::kRle) {
      xfer = EXS_RLELossless;
      check_dcmtk(d.chooseRepresentation(xfer, nullptr), "RLE encoding");
    }
    char name[32];
    std::snprintf(name, sizeof name, "IM%05d.dcm", s.instance_number);
    paths[n] = (std::filesystem::path(folder) / name).string();
    const OFCondition saved = file.saveFile(paths[n].c_str(), xfer);
    if (saved.bad()) throw Error(ErrorCode::kIo, paths[n] + ": cannot write: " + saved.text());
  });
  return paths;
}

}  // namespace vigil::dicom
