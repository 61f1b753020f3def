#include "core/finding.h"

#include "core/error.h"

namespace vigil {

const char* lesion_type_name(LesionType type) {
  switch (type) {
    case LesionType::kSolid: return "solid";
    case LesionType::kPartSolid: return "part_solid";
    case LesionType::kGroundGlass: return "ground_glass";
  }
  return "solid";
}

LesionType parse_lesion_type(const std::string& name) {
  if (name == "solid") return LesionType::kSolid;
  if (name == "part_solid") return LesionType::kPartSolid;
  if (name == "ground_glass") return LesionType::kGroundGlass;
  throw Error(ErrorCode::kInvalidArgument, "unknown lesion type '" + name + "' (solid, part_solid, ground_glass)");
}

}  // namespace vigil
