#pragma once
// `vigil eval --data DIR --out DIR`: FROC/CPM, sensitivity by size/type/placement, lesion Dice and
// diameter error on studies with ground truth; writes DIR/eval.json and DIR/froc.png.
#include <string>

#include "cli/models_option.h"

namespace vigil::cli {

struct EvalArgs {
  std::string data;
  std::string out;
  unsigned threads = 0;
  ModelsArgs models;
};

int run_eval(const EvalArgs& args);

}  // namespace vigil::cli
