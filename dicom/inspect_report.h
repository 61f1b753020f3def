#pragma once
// What `vigil inspect` shows: a catalog with each series' planned volume geometry and findings,
// as JSON (stable keys, other tools read them) or as a readable table.

#include <nlohmann/json.hpp>
#include <string>

#include "dicom/catalog.h"
#include "dicom/slice_geometry.h"

namespace vigil::dicom {

/// JSON per series: series_instance_uid, modality, slices, size [x,y,z], spacing_mm, origin_mm,
/// direction (9, row-major, columns are the axes), transfer_syntax, geometry_findings (codes),
/// geometry_details, volume ("ok", "refused" or "no_image"). See docs/inspect-json.md.
nlohmann::json inspect_json(const Catalog& catalog, const GeometryPolicy& policy);

/// The same content as a table for a terminal.
std::string inspect_table(const Catalog& catalog, const GeometryPolicy& policy);

}  // namespace vigil::dicom
