#include "passes/patterns/register.h"

#include "passes/patterns/recognize_gelu.h"
#include "passes/patterns/recognize_hardswish.h"
#include "passes/patterns/recognize_layernorm.h"
#include "passes/patterns/recognize_silu.h"

namespace kiln {

void RegisterPatternPasses(PassRegistry& registry) {
  registry.Register("recognize-layernorm",
                    "Replace layer normalization spelled out in reduce_mean, sub, pow, sqrt, "
                    "div (torch, opset < 17) by layer_norm",
                    OptionlessFactory<RecognizeLayerNormPass>());
  registry.Register("recognize-gelu",
                    "Replace 0.5 * x * (1 + erf(x / sqrt(2))) and its tanh approximation by gelu",
                    OptionlessFactory<RecognizeGeluPass>());
  registry.Register("recognize-hardswish",
                    "Replace x * hard_sigmoid(x) and x * clip(x + 3, 0, 6) / 6 by hard_swish, "
                    "clip(x + 3, 0, 6) / 6 by hard_sigmoid",
                    OptionlessFactory<RecognizeHardSwishPass>());
  registry.Register("recognize-silu", "Replace x * sigmoid(x) by silu",
                    OptionlessFactory<RecognizeSiluPass>());
}

}  // namespace kiln
