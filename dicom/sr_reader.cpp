#include "dicom/sr_reader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cstdlib>

#include "core/error.h"
#include "dicom/dcmtk_setup.h"

namespace vigil::dicom {
namespace {

std::string text_of(DcmItem& item, const DcmTagKey& tag) {
  OFString v;
  return item.findAndGetOFStringArray(tag, v).good() ? std::string(v.c_str()) : std::string();
}

std::string concept_of(DcmItem& item) {
  DcmItem* code = nullptr;
  if (item.findAndGetSequenceItem(DCM_ConceptNameCodeSequence, code, 0).bad() || !code) return {};
  return text_of(*code, DCM_CodeValue) + "^" + text_of(*code, DCM_CodingSchemeDesignator);
}

std::string code_value_of(DcmItem& item) {
  DcmItem* code = nullptr;
  if (item.findAndGetSequenceItem(DCM_ConceptCodeSequence, code, 0).bad() || !code) return {};
  return text_of(*code, DCM_CodeValue) + "^" + text_of(*code, DCM_CodingSchemeDesignator);
}

double number_of(DcmItem& item) {
  DcmItem* value = nullptr;
  if (item.findAndGetSequenceItem(DCM_MeasuredValueSequence, value, 0).bad() || !value) return 0;
  return std::atof(text_of(*value, DCM_NumericValue).c_str());
}

template <typename Visit>
void for_each_child(DcmItem& item, Visit&& visit) {
  DcmSequenceOfItems* children = nullptr;
  if (item.findAndGetSequence(DCM_ContentSequence, children).bad() || !children) return;
  for (unsigned long i = 0; i < children->card(); ++i) visit(*children->getItem(i));
}

ReportedFinding read_group(DcmItem& group) {
  ReportedFinding r;
  Finding& f = r.finding;
  for_each_child(group, [&](DcmItem& item) {
    const std::string name = concept_of(item);
    if (name == "112039^DCM") {
      const std::string id = text_of(item, DCM_TextValue);
      const auto space = id.rfind(' ');
      f.number = space == std::string::npos ? 0 : std::atoi(id.c_str() + space + 1);
    } else if (name == "112040^DCM") {
      f.tracking_uid = text_of(item, DCM_UID);
    } else if (name == "103339001^SCT") {
      f.long_axis_mm = number_of(item);
    } else if (name == "103340004^SCT") {
      f.short_axis_mm = number_of(item);
    } else if (name == "118565006^SCT") {
      f.volume_mm3 = number_of(item);
    } else if (name == "VG-SCORE^99VIGIL" || name == "VG-PROB^99VIGIL") {  // VG-PROB: SRs before 2026-11-26
      f.probability = number_of(item);
    } else if (name == "VG-MEANHU^99VIGIL") {
      f.mean_hu = number_of(item);
    } else if (name == "VG-ATT^99VIGIL") {
      const std::string v = code_value_of(item);
      f.type = v == "VG-GGO^99VIGIL"         ? LesionType::kGroundGlass
               : v == "VG-PARTSOLID^99VIGIL" ? LesionType::kPartSolid
                                             : LesionType::kSolid;
    } else if (name == "111030^DCM") {
      const unsigned long n = [&] {
        DcmElement* e = nullptr;
        return item.findAndGetElement(DCM_GraphicData, e).good() && e ? e->getVM() : 0UL;
      }();
      for (unsigned long i = 0; i + 1 < n; i += 2) {
        Float32 x = 0, y = 0;
        item.findAndGetFloat32(DCM_GraphicData, x, i);
        item.findAndGetFloat32(DCM_GraphicData, y, i + 1);
        r.outline_px.push_back({x, y});
      }
      for_each_child(item, [&](DcmItem& image) {
        DcmItem* ref = nullptr;
        if (image.findAndGetSequenceItem(DCM_ReferencedSOPSequence, ref, 0).good() && ref)
          r.referenced_sop_instance_uid = text_of(*ref, DCM_ReferencedSOPInstanceUID);
      });
    }
  });
  return r;
}

}  // namespace

MeasurementReport read_measurement_report(const std::string& path) {
  ensure_dcmtk_ready();
  DcmFileFormat file;
  const OFCondition status = file.loadFile(path.c_str());
  if (status.bad()) throw Error(ErrorCode::kNotDicom, path + ": cannot read as DICOM: " + status.text());
  DcmDataset& d = *file.getDataset();
  if (concept_of(d) != "126000^DCM")
    throw Error(ErrorCode::kInvalidArgument, path + ": not a TID 1500 Imaging Measurement Report");
  MeasurementReport report;
  report.study_instance_uid = text_of(d, DCM_StudyInstanceUID);
  report.sop_instance_uid = text_of(d, DCM_SOPInstanceUID);
  for_each_child(d, [&](DcmItem& item) {
    const std::string name = concept_of(item);
    if (name == "121015^DCM") report.algorithm_name = text_of(item, DCM_TextValue);
    if (name != "126010^DCM") return;
    for_each_child(item, [&](DcmItem& group) {
      if (concept_of(group) != "125007^DCM") return;
      ReportedFinding r = read_group(group);
      for_each_child(group, [&](DcmItem& g) {
        if (concept_of(g) == "111003^DCM") report.algorithm_version = text_of(g, DCM_TextValue);
      });
      report.findings.push_back(std::move(r));
    });
  });
  return report;
}

}  // namespace vigil::dicom
