#include "dicom/result_common.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "core/error.h"
#include "core/uid.h"
#include "core/version.h"

namespace vigil::dicom {
namespace {

std::string now_formatted(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, &local);
  return buffer;
}

}  // namespace

std::string result_uid(const ResultInput& input, const std::string& kind, int revision) {
  return derived_uid("vigil/" + input.algorithm.name + "/" + input.algorithm.version + "/" +
                     input.source->series_instance_uid + "/" + kind +
                     (revision > 0 ? "/revision-" + std::to_string(revision) : ""));
}

std::string result_uid(const ResultInput& input, const std::string& kind) {
  return result_uid(input, kind, input.revision);
}

void put_common_modules(DcmItem& d, const ResultInput& input, const std::string& sop_class_uid,
                        const std::string& kind, const std::string& modality, int series_number,
                        const std::string& series_description) {
  const SourceSeries& s = *input.source;
  const std::string date = now_formatted("%Y%m%d"), time = now_formatted("%H%M%S");
  put_string(d, DCM_SpecificCharacterSet, "ISO_IR 192");
  put_string(d, DCM_SOPClassUID, sop_class_uid);
  put_string(d, DCM_SOPInstanceUID, result_uid(input, kind + "/instance"));
  put_string(d, DCM_InstanceCreationDate, date);
  put_string(d, DCM_InstanceCreationTime, time);
  // Patient and General Study: copied, so the results file with the images they describe.
  put_string(d, DCM_PatientName, s.patient_name);
  put_string(d, DCM_PatientID, s.patient_id);
  put_string(d, DCM_PatientBirthDate, s.patient_birth_date);
  put_string(d, DCM_PatientSex, s.patient_sex);
  put_string(d, DCM_StudyInstanceUID, s.study_instance_uid);
  put_string(d, DCM_StudyDate, s.study_date);
  put_string(d, DCM_StudyTime, s.study_time);
  put_string(d, DCM_StudyID, s.study_id);
  put_string(d, DCM_AccessionNumber, s.accession_number);
  put_string(d, DCM_ReferringPhysicianName, s.referring_physician_name);
  if (!s.study_description.empty()) put_string(d, DCM_StudyDescription, s.study_description);
  // Series and equipment: Vigil made this.
  put_string(d, DCM_Modality, modality);
  put_string(d, DCM_SeriesInstanceUID, result_uid(input, kind + "/series"));
  put_string(d, DCM_SeriesNumber, std::to_string(series_number));
  put_string(d, DCM_SeriesDate, date);
  put_string(d, DCM_SeriesTime, time);
  put_string(d, DCM_SeriesDescription, series_description + " (research use)");
  put_string(d, DCM_InstanceNumber, "1");
  put_string(d, DCM_ContentDate, date);
  put_string(d, DCM_ContentTime, time);
  put_string(d, DCM_Manufacturer, "Vigil");
  put_string(d, DCM_ManufacturerModelName, input.algorithm.name);
  put_string(d, DCM_SoftwareVersions, std::string("Vigil ") + kVersion);
  put_string(d, DCM_DeviceSerialNumber, "0");
  // Contributing Equipment (PS3.3 C.12.1.1.5): the algorithm that derived this object.
  DcmItem* equipment = nullptr;
  check_dcmtk(d.findOrCreateSequenceItem(DCM_ContributingEquipmentSequence, equipment, 0), "Contributing Equipment");
  DcmItem* purpose = nullptr;
  check_dcmtk(equipment->findOrCreateSequenceItem(DCM_PurposeOfReferenceCodeSequence, purpose, 0), "purpose");
  put_string(*purpose, DCM_CodeValue, "109103");
  put_string(*purpose, DCM_CodingSchemeDesignator, "DCM");
  put_string(*purpose, DCM_CodeMeaning, "Modifying Equipment");
  put_string(*equipment, DCM_Manufacturer, "Vigil");
  put_string(*equipment, DCM_ManufacturerModelName, input.algorithm.name);
  put_string(*equipment, DCM_SoftwareVersions, input.algorithm.version);
  put_string(*equipment, DCM_ContributionDateTime, date + time);
  put_string(*equipment, DCM_ContributionDescription, input.algorithm.description + " " + kResearchUseNotice);
}

void save_part10(DcmDataset& dataset, const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  DcmFileFormat file(&dataset);
  check_dcmtk(file.saveFile(path.c_str(), EXS_LittleEndianExplicit), "writing " + path);
}

}  // namespace vigil::dicom
