#include "passes/quantize/register.h"

#include "passes/quantize/expand_quantized.h"
#include "passes/quantize/fold_qdq.h"

namespace kiln {

void RegisterQuantizePasses(PassRegistry& registry) {
  registry.Register("fold-qdq",
                    "Make dequantize -> conv/gemm/linear/matmul [-> quantize] one op on quantized "
                    "types",
                    OptionlessFactory<FoldQdqPass>());
  registry.Register("expand-quantized",
                    "Give every op on quantized types dequantize -> op -> quantize (targets keep "
                    "the ops they run quantized)",
                    OptionlessFactory<ExpandQuantizedPass>());
}

}  // namespace kiln
