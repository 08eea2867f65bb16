#include "codegen/cloud/cloud_target.h"

#include <cassert>
#include <memory>

#include "codegen/cloud/cloud_quantized.h"
#include "ir/dynamic_quant.h"
#include "ir/layout.h"
#include "ir/str_cat.h"
#include "passes/match.h"
#include "passes/quantize/expand_quantized.h"

namespace kiln::codegen {
namespace {

using ir::OpKind;

// Every op kind the cloud runtime executes: the one list to extend as runtime/cloud grows.
constexpr OpKind kSupportedOps[] = {
    // Linear algebra and convolution.
    OpKind::kConv,
    OpKind::kGemm,
    OpKind::kMatMul,
    OpKind::kLinear,
    // Pooling.
    OpKind::kMaxPool,
    OpKind::kAveragePool,
    OpKind::kGlobalAveragePool,
    OpKind::kGlobalMaxPool,
    // Normalization.
    OpKind::kBatchNorm,
    OpKind::kLayerNorm,
    // Elementwise unary.
    OpKind::kIdentity,
    OpKind::kRelu,
    OpKind::kLeakyRelu,
    OpKind::kElu,
    OpKind::kSigmoid,
    OpKind::kHardSigmoid,
    OpKind::kHardSwish,
    OpKind::kSilu,
    OpKind::kGelu,
    OpKind::kTanh,
    OpKind::kClip,
    OpKind::kErf,
    OpKind::kExp,
    OpKind::kLog,
    OpKind::kSqrt,
    OpKind::kNeg,
    OpKind::kAbs,
    // Elementwise binary.
    OpKind::kAdd,
    OpKind::kSub,
    OpKind::kMul,
    OpKind::kDiv,
    OpKind::kPow,
    OpKind::kMin,
    OpKind::kMax,
    // Softmax and reductions.
    OpKind::kSoftmax,
    OpKind::kLogSoftmax,
    OpKind::kReduceMean,
    OpKind::kReduceSum,
    OpKind::kReduceMax,
    // Shape and data movement.
    OpKind::kReshape,
    OpKind::kTranspose,
    OpKind::kConcat,
    OpKind::kSlice,
    OpKind::kGather,
    OpKind::kPad,
    OpKind::kResize,
    OpKind::kSqueeze,
    OpKind::kUnsqueeze,
    OpKind::kFlatten,
    // Types.
    OpKind::kCast,
};

}  // namespace

std::span<const ir::OpKind> CloudTarget::SupportedOps() { return kSupportedOps; }

Status CloudTarget::check_supported(const ir::Op& op) const {
  // oneDNN picks its blocked layouts from NCHW ops; channels-last ops (ir/layout.h) are the
  // edge target's.
  if (ir::IsChannelsLast(op)) {
    return Status::Error(ir::StrCat("op '", op.kind_name(), "' with layout \"NHWC\" is not ",
                                    "supported by target '", name(), "' (NCHW only)"));
  }
  if (TouchesQuantized(op)) return CheckCloudQuantized(op);
  if (ir::IsDynamicQuant(op)) {  // its weight was expanded back to f32
    return Status::Error(ir::StrCat("op '", op.kind_name(), "' marked dynamic_quant needs a ",
                                    "constant i8 weight on target '", name(), "'"));
  }
  return CheckSupportedF32(op, kSupportedOps, name());
}

void CloudTarget::add_legalization(PassManager& pm) const {
  // oneDNN adds a conv's or linear's residual as a sum post-op, in place over the residual's
  // buffer, and applies the activation after it: fuse `add` (and a following activation) into
  // the op. Shapes first, so the residual's type equals the result's wherever it can.
  //
  // A quantized graph (QDQ form) first becomes ops on quantized types (fold-qdq), and again
  // after the fusions, which folds the quantize after a fused residual add; the ops the runtime
  // cannot run quantized are expanded back to float between dequantize and quantize.
  [[maybe_unused]] Status s = pm.AddPipeline(
      "fold-qdq,infer-shapes,fixpoint(fuse-residual-add,fuse-activation,dce),fold-qdq");
  assert(s.ok() && "the cloud legalization pipeline names registered passes");
  pm.AddPass(std::make_unique<ExpandQuantizedPass>(
      [](const ir::Op& op) { return CheckCloudQuantized(op).ok(); }));
  s = pm.AddPipeline("dce");
  assert(s.ok() && "the cloud legalization pipeline names registered passes");
}

int64_t CloudTarget::buffer_bytes(const ir::TensorType& type, std::span<const int64_t> dims) const {
  if (type.scalar() != ir::ScalarType::kF32 || (dims.size() != 4 && dims.size() != 5)) {
    return Target::buffer_bytes(type, dims);
  }
  int64_t count = dims[0] * ((dims[1] + kChannelBlock - 1) / kChannelBlock * kChannelBlock);
  for (size_t i = 2; i < dims.size(); ++i) count *= dims[i];
  return count * 4;
}

Expected<std::vector<uint8_t>> CloudTarget::emit(const ir::Graph& graph,
                                                 const PlannedBuffers& buffers,
                                                 const ArtifactOptions& options) const {
  ArtifactOptions cloud = options;
  cloud.target = std::string(name());
  return WriteArtifact(graph, buffers, cloud);
}

}  // namespace kiln::codegen
