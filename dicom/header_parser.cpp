#include "dicom/header_parser.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>

#include "core/error.h"
#include "dicom/dcmtk_setup.h"

namespace vigil::dicom {
namespace {

// Element values larger than this stay on disk until asked for, so pixel data is never read here.
constexpr Uint32 kMaxHeaderValueBytes = 4096;

std::string get_string(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).good()) return std::string(value.c_str());
  return {};
}

std::optional<double> get_double(DcmItem& item, const DcmTagKey& tag, unsigned long pos = 0) {
  Float64 value = 0;
  if (item.findAndGetFloat64(tag, value, pos).good()) return value;
  return std::nullopt;
}

std::optional<int> get_int(DcmItem& item, const DcmTagKey& tag) {
  Sint32 value = 0;
  if (item.findAndGetSint32(tag, value).good()) return value;
  return std::nullopt;
}

std::uint16_t get_u16(DcmItem& item, const DcmTagKey& tag, std::uint16_t fallback) {
  Uint16 value = 0;
  return item.findAndGetUint16(tag, value).good() ? value : fallback;
}

template <std::size_t N>
std::optional<std::array<double, N>> get_doubles(DcmItem& item, const DcmTagKey& tag) {
  std::array<double, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    const auto v = get_double(item, tag, static_cast<unsigned long>(i));
    if (!v) return std::nullopt;
    out[i] = *v;
  }
  return out;
}

std::vector<std::string> split_backslash(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find('\\', start);
    parts.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  for (auto& p : parts) {
    while (!p.empty() && p.back() == ' ') p.pop_back();
    while (!p.empty() && p.front() == ' ') p.erase(p.begin());
  }
  return parts;
}

// Reads the attributes a functional group item (or the top-level data set) may carry.
void apply_frame_attributes(DcmItem& item, FrameHeader& frame) {
  if (auto p = get_doubles<3>(item, DCM_ImagePositionPatient)) frame.position_mm = Vec3{(*p)[0], (*p)[1], (*p)[2]};
  if (auto o = get_doubles<6>(item, DCM_ImageOrientationPatient)) frame.orientation = *o;
  if (auto s = get_doubles<2>(item, DCM_PixelSpacing)) frame.pixel_spacing_mm = *s;
  if (auto t = get_double(item, DCM_SliceThickness)) frame.slice_thickness_mm = *t;
  if (auto slope = get_double(item, DCM_RescaleSlope)) frame.rescale_slope = *slope;
  if (auto icpt = get_double(item, DCM_RescaleIntercept)) frame.rescale_intercept = *icpt;
}

// A functional group item holds one-item sequences of macros (PS3.3 C.7.6.16); apply each.
void apply_functional_group(DcmItem& group, FrameHeader& frame) {
  static const DcmTagKey kMacros[] = {DCM_PlanePositionSequence, DCM_PlaneOrientationSequence,
                                      DCM_PixelMeasuresSequence, DCM_PixelValueTransformationSequence};
  for (const auto& tag : kMacros) {
    DcmItem* macro = nullptr;
    if (group.findAndGetSequenceItem(tag, macro, 0).good() && macro) apply_frame_attributes(*macro, frame);
  }
}

void read_frames(DcmItem& dataset, InstanceHeader& h) {
  FrameHeader base;
  apply_frame_attributes(dataset, base);
  DcmItem* shared = nullptr;
  if (dataset.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good() && shared)
    apply_functional_group(*shared, base);
  h.frames.assign(h.number_of_frames, base);
  DcmSequenceOfItems* per_frame = nullptr;
  if (dataset.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, per_frame).good() && per_frame) {
    const unsigned long n = std::min<unsigned long>(per_frame->card(), h.number_of_frames);
    for (unsigned long f = 0; f < n; ++f) apply_functional_group(*per_frame->getItem(f), h.frames[f]);
  }
}

enum class FileStart { kDicmPreamble, kDataElement, kOther };

// Part 10 files carry "DICM" at byte 128. Files without it can still be bare data sets (written by
// old software); those start with a tag of group 0000-0008, since every useful one has its SOP
// identity in group 0008. Anything else (a NRRD, a zip, a report) is rejected here, before DCMTK
// would try to parse a large non-DICOM file three times over.
FileStart sniff_file_start(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char buffer[132] = {};
  in.read(reinterpret_cast<char*>(buffer), sizeof buffer);
  if (in.gcount() == 132 && std::memcmp(buffer + 128, "DICM", 4) == 0) return FileStart::kDicmPreamble;
  const unsigned group = buffer[0] | (buffer[1] << 8);  // little endian
  if (in.gcount() >= 8 && group <= 0x0008 && group % 2 == 0) return FileStart::kDataElement;
  return FileStart::kOther;
}

}  // namespace

InstanceHeader header_from_dataset(DcmItem& dataset, const std::string& path,
                                   const std::string& transfer_syntax_uid) {
  InstanceHeader h;
  h.path = path;
  h.transfer_syntax_uid = transfer_syntax_uid;
  h.sop_class_uid = get_string(dataset, DCM_SOPClassUID);
  h.sop_instance_uid = get_string(dataset, DCM_SOPInstanceUID);
  h.patient_id = get_string(dataset, DCM_PatientID);
  h.patient_name = get_string(dataset, DCM_PatientName);
  h.study_instance_uid = get_string(dataset, DCM_StudyInstanceUID);
  h.series_instance_uid = get_string(dataset, DCM_SeriesInstanceUID);
  h.study_date = get_string(dataset, DCM_StudyDate);
  h.study_time = get_string(dataset, DCM_StudyTime);
  h.study_id = get_string(dataset, DCM_StudyID);
  h.accession_number = get_string(dataset, DCM_AccessionNumber);
  h.referring_physician_name = get_string(dataset, DCM_ReferringPhysicianName);
  h.patient_birth_date = get_string(dataset, DCM_PatientBirthDate);
  h.patient_sex = get_string(dataset, DCM_PatientSex);
  h.frame_of_reference_uid = get_string(dataset, DCM_FrameOfReferenceUID);
  if (auto n = get_int(dataset, DCM_NumberOfStudyRelatedInstances); n && *n > 0) h.study_related_instances = *n;
  OFString priority;  // inside Request Attributes Sequence (PS3.3 C.7.6.1)
  if (dataset.findAndGetOFString(DCM_RequestedProcedurePriority, priority, 0, OFTrue).good())
    h.requested_priority = priority.c_str();
  h.study_description = get_string(dataset, DCM_StudyDescription);
  h.series_description = get_string(dataset, DCM_SeriesDescription);
  h.body_part_examined = get_string(dataset, DCM_BodyPartExamined);
  h.modality = get_string(dataset, DCM_Modality);
  h.series_number = get_int(dataset, DCM_SeriesNumber);
  h.instance_number = get_int(dataset, DCM_InstanceNumber);
  const std::string image_type = get_string(dataset, DCM_ImageType);
  if (!image_type.empty()) h.image_type = split_backslash(image_type);

  h.rows = get_u16(dataset, DCM_Rows, 0);
  h.columns = get_u16(dataset, DCM_Columns, 0);
  h.bits_allocated = get_u16(dataset, DCM_BitsAllocated, 0);
  h.bits_stored = get_u16(dataset, DCM_BitsStored, h.bits_allocated);
  h.high_bit = get_u16(dataset, DCM_HighBit, h.bits_stored ? h.bits_stored - 1 : 0);
  h.pixel_representation = get_u16(dataset, DCM_PixelRepresentation, 0);
  h.samples_per_pixel = get_u16(dataset, DCM_SamplesPerPixel, 1);
  h.photometric_interpretation = get_string(dataset, DCM_PhotometricInterpretation);
  if (auto frames = get_int(dataset, DCM_NumberOfFrames); frames && *frames > 0)
    h.number_of_frames = static_cast<std::uint32_t>(*frames);
  h.has_pixel_data = dataset.tagExists(DCM_PixelData);
  h.has_float_pixel_data = dataset.tagExists(DCM_FloatPixelData) || dataset.tagExists(DCM_DoubleFloatPixelData);
  h.gantry_tilt_deg = get_double(dataset, DCM_GantryDetectorTilt);
  if (h.is_image()) read_frames(dataset, h);
  return h;
}

namespace {

InstanceHeader read_header_or_throw(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::kIo, path + ": cannot read file: " + ec.message());
  if (size == 0) throw Error(ErrorCode::kNotDicom, path + ": empty file (0 bytes)");

  const FileStart start = sniff_file_start(path);
  if (start == FileStart::kOther)
    throw Error(ErrorCode::kNotDicom, path + ": not a DICOM file (no DICM preamble, and it does not start with a "
                                             "DICOM data element)");
  const bool dicm = start == FileStart::kDicmPreamble;
  // Without a File Meta header DCMTK guesses the encoding and can guess wrong (a wrong guess may
  // even "parse" into nonsense): try both little-endian encodings explicitly (PS3.5 A.1, A.2) and
  // keep the first reading that carries a SOP identity.
  const std::pair<E_TransferSyntax, E_FileReadMode> attempts[] = {{EXS_Unknown, ERM_autoDetect},
                                                                   {EXS_LittleEndianExplicit, ERM_dataset},
                                                                   {EXS_LittleEndianImplicit, ERM_dataset}};
  OFCondition status;
  for (const auto& [xfer, mode] : attempts) {
    DcmFileFormat file;
    status = file.loadFile(path.c_str(), xfer, EGL_noChange, kMaxHeaderValueBytes, mode);
    if (status.bad()) {
      if (dicm) throw Error(ErrorCode::kCorruptDicom, path + ": truncated or corrupt DICOM: " + status.text());
      continue;
    }
    DcmDataset& dataset = *file.getDataset();
    OFString meta_ts;
    std::string ts;
    if (file.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, meta_ts).good()) ts = meta_ts.c_str();
    if (ts.empty()) ts = DcmXfer(dataset.getOriginalXfer()).getXferID();
    InstanceHeader h = header_from_dataset(dataset, path, ts);
    // A DICOMDIR carries its SOP identity only in the File Meta header (PS3.10 7.1).
    OFString meta_uid;
    if (h.sop_class_uid.empty() && file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, meta_uid).good())
      h.sop_class_uid = meta_uid.c_str();
    if (h.sop_instance_uid.empty() &&
        file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPInstanceUID, meta_uid).good())
      h.sop_instance_uid = meta_uid.c_str();
    if (!h.sop_instance_uid.empty() || !h.sop_class_uid.empty()) return h;
    if (dicm) throw Error(ErrorCode::kMissingAttribute, path + ": DICOM file without SOP Class/Instance UID");
  }
  throw Error(ErrorCode::kNotDicom, path + ": not a DICOM file (no DICM preamble, no parseable data set with a "
                                           "SOP identity)");
}

}  // namespace

InstanceHeader read_instance_header(const std::string& path) {
  ensure_dcmtk_ready();
  try {
    return read_header_or_throw(path);
  } catch (const std::bad_alloc&) {
    // A hostile element length can make DCMTK ask for gigabytes before it notices the file is
    // shorter; on a memory-limited host that allocation fails. The file is bad, the process is not.
    throw Error(ErrorCode::kCorruptDicom, path + ": declared element lengths exceed the memory available");
  }
}

}  // namespace vigil::dicom
