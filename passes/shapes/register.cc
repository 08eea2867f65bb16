#include "passes/shapes/register.h"

#include "passes/shapes/infer_shapes.h"
#include "passes/shapes/simplify_shapes.h"

namespace kiln {

void RegisterShapePasses(PassRegistry& registry) {
  registry.Register("infer-shapes", "Make result types as precise as the operands allow",
                    OptionlessFactory<InferShapesPass>());
  registry.Register("simplify-shapes",
                    "Fold shape arithmetic on static dims; constant reshape/expand targets that "
                    "keep symbolic dims symbolic",
                    OptionlessFactory<SimplifyShapesPass>());
}

}  // namespace kiln
