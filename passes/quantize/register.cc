#include "passes/quantize/register.h"

#include "passes/quantize/fold_qdq.h"

namespace kiln {

void RegisterQuantizePasses(PassRegistry& registry) {
  registry.Register("fold-qdq",
                    "Make dequantize -> conv/gemm/linear/matmul [-> quantize] one op on quantized "
                    "types",
                    OptionlessFactory<FoldQdqPass>());
}

}  // namespace kiln
