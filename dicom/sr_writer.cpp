#include "dicom/sr_writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <set>

#include "core/error.h"
#include "core/version.h"
#include "dicom/dcmtk_setup.h"
#include "dicom/result_common.h"

namespace vigil::dicom {
namespace {

using Code = DSRCodedEntryValue;

Code dcm(const char* value, const char* meaning) { return Code(value, "DCM", meaning); }
Code sct(const char* value, const char* meaning) { return Code(value, "SCT", meaning); }
Code vigil_code(const char* value, const char* meaning) { return Code(value, kVigilCodingScheme, meaning); }
Code ucum(const char* value, const char* meaning) { return Code(value, "UCUM", meaning); }

Code attenuation_code(LesionType type) {
  switch (type) {
    case LesionType::kSolid: return vigil_code("VG-SOLID", "Solid");
    case LesionType::kPartSolid: return vigil_code("VG-PARTSOLID", "Part-solid");
    case LesionType::kGroundGlass: return vigil_code("VG-GGO", "Ground-glass");
  }
  return vigil_code("VG-SOLID", "Solid");
}

// Adds children to the node under the cursor and returns to it after each one, so the code below
// reads like the template's table.
class Tree {
 public:
  explicit Tree(DSRDocumentTree& tree) : tree_(tree) {}

  DSRContentItem& enter(DSRTypes::E_RelationshipType rel, DSRTypes::E_ValueType type, const Code& name) {
    check_dcmtk(tree_.addChildContentItem(rel, type, name), "adding SR content item " +
                                                                   std::string(name.getCodeMeaning().c_str()));
    return tree_.getCurrentContentItem();
  }
  void leave() { tree_.goUp(); }

  void code(DSRTypes::E_RelationshipType rel, const Code& name, const Code& value) {
    check_dcmtk(enter(rel, DSRTypes::VT_Code, name).setCodeValue(value), "SR code value");
    leave();
  }
  void text(DSRTypes::E_RelationshipType rel, const Code& name, const std::string& value) {
    check_dcmtk(enter(rel, DSRTypes::VT_Text, name).setStringValue(value.c_str()), "SR text value");
    leave();
  }
  void uid(DSRTypes::E_RelationshipType rel, const Code& name, const std::string& value) {
    check_dcmtk(enter(rel, DSRTypes::VT_UIDRef, name).setStringValue(value.c_str()), "SR UID value");
    leave();
  }
  void num(const Code& name, double value, const Code& unit) {
    DSRNumericMeasurementValue measurement(decimal_string(value).c_str(), unit);
    check_dcmtk(enter(DSRTypes::RT_contains, DSRTypes::VT_Num, name).setNumericValue(measurement), "SR number");
    leave();
  }
  void image(DSRTypes::E_RelationshipType rel, const Code& name, const SourceImage& image) {
    DSRImageReferenceValue reference(image.sop_class_uid.c_str(), image.sop_instance_uid.c_str());
    if (image.number_of_frames > 1) reference.getFrameList().addItem(static_cast<Sint32>(image.frame + 1));
    check_dcmtk(enter(rel, DSRTypes::VT_Image, name).setImageReference(reference), "SR image reference");
    leave();
  }

 private:
  DSRDocumentTree& tree_;
};

// TID 1001 observer context: the observer is a device, the algorithm.
void observer_context(Tree& t, const ResultInput& input) {
  using R = DSRTypes::E_RelationshipType;
  const R obs = DSRTypes::RT_hasObsContext;
  t.code(obs, dcm("121005", "Observer Type"), dcm("121007", "Device"));
  t.uid(obs, dcm("121012", "Device Observer UID"), result_uid(input, "device"));
  t.text(obs, dcm("121013", "Device Observer Name"), "Vigil");
  t.text(obs, dcm("121014", "Device Observer Manufacturer"), "Vigil");
  t.text(obs, dcm("121015", "Device Observer Model Name"), input.algorithm.name + " " + input.algorithm.version);
}

// TID 1410 planar ROI measurements for one lesion.
void measurement_group(Tree& t, const ResultInput& input, const Finding& f) {
  const SourceSeries& source = *input.source;
  const SourceImage& key = source.images[nearest_image(source, f.outline_mm.empty() ? f.center_mm : f.outline_mm[0])];
  auto& group = t.enter(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("125007", "Measurement Group"));
  group.setContinuityOfContent(DSRTypes::COC_Separate);
  group.setTemplateIdentification("1410", "DCMR");
  t.text(DSRTypes::RT_hasObsContext, dcm("112039", "Tracking Identifier"), "Lesion " + std::to_string(f.number));
  t.uid(DSRTypes::RT_hasObsContext, dcm("112040", "Tracking Unique Identifier"), f.tracking_uid);
  t.code(DSRTypes::RT_contains, dcm("121071", "Finding"), sct("27925004", "Nodule"));
  t.text(DSRTypes::RT_hasConceptMod, dcm("111001", "Algorithm Name"), input.algorithm.name);
  t.text(DSRTypes::RT_hasConceptMod, dcm("111003", "Algorithm Version"), input.algorithm.version);
  t.code(DSRTypes::RT_hasConceptMod, sct("363698007", "Finding Site"), sct("39607008", "Lung"));

  // Image Region: the outline on the key slice, closed, in the referenced image's pixel space
  // (top left corner of the first pixel at 0,0: pixel centres at +0.5).
  DSRSpatialCoordinatesValue region(DSRTypes::GT_Polyline);
  for (const Vec3& p : f.outline_mm) {
    const auto px = to_pixel(key, p);
    region.getGraphicDataList().addItem(static_cast<Float32>(px[0] + 0.5), static_cast<Float32>(px[1] + 0.5));
  }
  if (!f.outline_mm.empty()) {
    const auto px = to_pixel(key, f.outline_mm.front());
    region.getGraphicDataList().addItem(static_cast<Float32>(px[0] + 0.5), static_cast<Float32>(px[1] + 0.5));
  }
  check_dcmtk(t.enter(DSRTypes::RT_contains, DSRTypes::VT_SCoord, dcm("111030", "Image Region"))
                  .setSpatialCoordinates(region),
              "SR image region");
  t.image(DSRTypes::RT_selectedFrom, dcm("111040", "Original Source"), key);
  t.leave();

  t.num(sct("103339001", "Long Axis"), f.long_axis_mm, ucum("mm", "millimeter"));
  t.num(sct("103340004", "Short Axis"), f.short_axis_mm, ucum("mm", "millimeter"));
  t.num(sct("118565006", "Volume"), f.volume_mm3, ucum("mm3", "cubic millimeter"));
  // A ranking score whose 0.5 is the operating point, not a calibrated probability: named so.
  t.num(vigil_code("VG-SCORE", "Lesion score (uncalibrated)"), f.probability, ucum("1", "no units"));
  t.num(vigil_code("VG-MEANHU", "Mean attenuation"), f.mean_hu, ucum("[hnsf'U]", "Hounsfield unit"));
  t.code(DSRTypes::RT_contains, vigil_code("VG-ATT", "Attenuation type"), attenuation_code(f.type));
  t.leave();
}

}  // namespace

void write_measurement_report(const ResultInput& input, const std::string& path) {
  ensure_dcmtk_ready();
  const SourceSeries& source = *input.source;
  DSRDocument doc(DSRTypes::DT_Comprehensive3DSR);
  check_dcmtk(doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8), "SR character set");
  doc.getCodingSchemeIdentification().addItem(kVigilCodingScheme);
  doc.getCodingSchemeIdentification().setCodingSchemeName("Vigil private codes");
  doc.getCodingSchemeIdentification().setCodingSchemeResponsibleOrganization("Vigil project");
  doc.getCodingSchemeIdentification().addItem("UCUM");
  doc.getCodingSchemeIdentification().addItem("SCT");
  doc.getCodingSchemeIdentification().addItem("DCM");
  doc.setPreliminaryFlag(DSRTypes::PF_Preliminary);

  DSRDocumentTree& tree = doc.getTree();
  check_dcmtk(tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) ? EC_Normal : EC_IllegalCall,
              "SR root");
  DSRContentItem& root = tree.getCurrentContentItem();
  root.setConceptName(dcm("126000", "Imaging Measurement Report"));
  root.setTemplateIdentification("1500", "DCMR");
  Tree t(tree);
  t.code(DSRTypes::RT_hasConceptMod, dcm("121049", "Language of Content Item and Descendants"),
         Code("en-US", "RFC5646", "English (United States)"));
  observer_context(t, input);
  t.code(DSRTypes::RT_hasConceptMod, dcm("121058", "Procedure reported"), Code("25045-6", "LN", "CT unspecified body region"));

  // Image Library: the images the measurements point at.
  t.enter(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("111028", "Image Library"));
  std::set<std::string> listed;
  bool group_open = false;
  for (const Finding& f : input.findings) {
    const SourceImage& key = source.images[nearest_image(source, f.outline_mm.empty() ? f.center_mm : f.outline_mm[0])];
    if (!listed.insert(key.sop_instance_uid + "/" + std::to_string(key.frame)).second) continue;
    if (!group_open) t.enter(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("126200", "Image Library Group"));
    group_open = true;
    t.image(DSRTypes::RT_contains, dcm("260753009", "Source"), key);
  }
  if (group_open) t.leave();
  t.leave();

  t.enter(DSRTypes::RT_contains, DSRTypes::VT_Container, dcm("126010", "Imaging Measurements"));
  for (const Finding& f : input.findings) measurement_group(t, input, f);
  t.leave();

  // Qualitative evaluations: who made this, that it is for research, and "none found" when so.
  t.enter(DSRTypes::RT_contains, DSRTypes::VT_Container, Code("C0034375", "UMLS", "Qualitative Evaluations"));
  const std::string summary =
      input.findings.empty()
          ? "No lesion candidates were found by " + input.algorithm.name + " " + input.algorithm.version + "."
          : std::to_string(input.findings.size()) + " lesion candidate(s) reported by " + input.algorithm.name + " " +
                input.algorithm.version + ".";
  t.text(DSRTypes::RT_contains, dcm("121106", "Comment"), summary + " " + kResearchUseNotice);
  t.leave();

  for (const SourceImage& image : source.images)
    doc.getCurrentRequestedProcedureEvidence().addItem(source.study_instance_uid, source.series_instance_uid,
                                                       image.sop_class_uid, image.sop_instance_uid);
  doc.setSeriesDescription("Vigil measurement report");
  if (input.revision > 0)  // this report replaces the previous one of the same series
    check_dcmtk(doc.getPredecessorDocuments().addItem(source.study_instance_uid,
                                                      result_uid(input, "sr/series", input.revision - 1),
                                                      UID_Comprehensive3DSRStorage,
                                                      result_uid(input, "sr/instance", input.revision - 1)),
                "SR predecessor");

  DcmDataset dataset;
  check_dcmtk(doc.write(dataset), "encoding SR");
  put_common_modules(dataset, input, UID_Comprehensive3DSRStorage, "sr", "SR", kSrSeriesNumber,
                     "Vigil measurement report");
  // DSRDocument wrote a Referenced Performed Procedure Step and Performed Procedure Code
  // Sequence (type 2, empty) already; the evidence references the source study above.
  save_part10(dataset, path);
}

}  // namespace vigil::dicom
