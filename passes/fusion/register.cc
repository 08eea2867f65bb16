#include "passes/fusion/register.h"

#include "passes/fusion/fold_batchnorm.h"
#include "passes/fusion/fuse_activation.h"
#include "passes/fusion/fuse_conv_bias.h"
#include "passes/fusion/fuse_linear.h"
#include "passes/fusion/fuse_pad_conv.h"
#include "passes/fusion/fuse_residual_add.h"

namespace kiln {

void RegisterFusionPasses(PassRegistry& registry) {
  registry.Register("fold-batchnorm",
                    "Fold inference batch_norm into the conv/gemm weights before it, or make it "
                    "mul + add",
                    OptionlessFactory<FoldBatchNormPass>());
  registry.Register("fuse-pad-conv",
                    "Fold zero constant padding into the pads of the convs after it",
                    OptionlessFactory<FusePadConvPass>());
  registry.Register("fuse-conv-bias",
                    "Fold an add of a per-channel constant into the bias of conv, conv_transpose "
                    "or gemm",
                    OptionlessFactory<FuseConvBiasPass>());
  registry.Register("fuse-linear", "Turn matmul by a constant [K, N] plus a bias [N] into linear",
                    OptionlessFactory<FuseLinearPass>());
  registry.Register("fuse-activation",
                    "Move an activation after conv/gemm/matmul/linear into the op's attributes",
                    OptionlessFactory<FuseActivationPass>());
  // Not in `optimize`: run by targets whose conv/linear kernels add a residual.
  registry.Register("fuse-residual-add",
                    "Make an add of a conv/linear result and a same-typed value the conv's or "
                    "linear's residual operand",
                    OptionlessFactory<FuseResidualAddPass>());
}

}  // namespace kiln
