#include "passes/register_all.h"

#include "passes/cleanup/register.h"
#include "passes/fusion/register.h"
#include "passes/layout/register.h"
#include "passes/patterns/register.h"
#include "passes/quantize/register.h"
#include "passes/shapes/register.h"

namespace kiln {

void RegisterAllPasses(PassRegistry& registry) {
  RegisterCleanupPasses(registry);
  RegisterShapePasses(registry);
  RegisterPatternPasses(registry);
  RegisterFusionPasses(registry);
  RegisterLayoutPasses(registry);
  RegisterQuantizePasses(registry);
  RegisterStandardPipelines(registry);
}

void RegisterStandardPipelines(PassRegistry& registry) {
  registry.RegisterPipeline(
      "cleanup", "Safe simplifications that keep every op's meaning (-O1)",
      "fixpoint(eliminate-noops,fold-constants,infer-shapes,simplify-shapes,cse,dce)");
  // Fusions repeat with the cleanup passes until nothing changes, so that what one rewrite
  // exposes (a folded BatchNorm's conv meeting its relu) is taken by the next.
  registry.RegisterPipeline(
      "optimize", "cleanup, then pattern recognition and fusions (-O2)",
      "cleanup,"
      "fixpoint(recognize-layernorm,recognize-gelu,recognize-hardswish,"
      "recognize-silu,fold-batchnorm,fuse-pad-conv,fuse-conv-bias,fuse-linear,"
      "fuse-activation,eliminate-noops,fold-constants,infer-shapes,simplify-shapes,cse,dce)");
  // Not in `optimize`: for targets that want channels-last activations (edge, on XNNPACK).
  registry.RegisterPipeline(
      "nhwc", "Convs and pools NHWC, with the transposes that adds sunk until they cancel",
      "infer-shapes,channels-last,fixpoint(sink-transposes,eliminate-noops,infer-shapes,cse,dce)");
}

std::string_view PipelineForLevel(int level) {
  switch (level) {
    case 0:
      return "";
    case 1:
      return "cleanup";
    default:
      return "optimize";
  }
}

}  // namespace kiln
