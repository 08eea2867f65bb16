// Registers the quantization passes that need no calibration data (fold-qdq). Quantizing a
// float model needs calibration samples, so it is a library call (quantize_model.h), not a pass.
//
//   PassRegistry registry;
//   RegisterQuantizePasses(registry);
#pragma once

#include "passes/registry.h"

namespace kiln {

void RegisterQuantizePasses(PassRegistry& registry);

}  // namespace kiln
