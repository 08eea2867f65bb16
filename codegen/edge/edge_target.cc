#include "codegen/edge/edge_target.h"

#include <cassert>
#include <memory>

#include "codegen/edge/edge_quantized.h"
#include "ir/dynamic_quant.h"
#include "ir/str_cat.h"
#include "passes/match.h"
#include "passes/quantize/expand_quantized.h"

namespace kiln::codegen {
namespace {

using ir::OpKind;

// Every op kind the edge runtime executes (runtime/edge/register_edge_kernels.cc): the one list
// to extend as runtime/edge grows.
constexpr OpKind kSupportedOps[] = {
    // Linear algebra and convolution (conv NHWC after legalization).
    OpKind::kConv,
    OpKind::kGemm,
    OpKind::kMatMul,
    OpKind::kLinear,
    // Pooling (NHWC after legalization).
    OpKind::kMaxPool,
    OpKind::kAveragePool,
    OpKind::kGlobalAveragePool,
    OpKind::kGlobalMaxPool,
    // Normalization.
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
    OpKind::kFloor,
    OpKind::kCeil,
    OpKind::kRound,
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
    OpKind::kReduceMin,
    // Shape and data movement.
    OpKind::kReshape,
    OpKind::kTranspose,
    OpKind::kConcat,
    OpKind::kSlice,
    OpKind::kGather,
    OpKind::kSqueeze,
    OpKind::kUnsqueeze,
    OpKind::kFlatten,
};

// Window ops must have become NHWC: the edge runtime has no NCHW convolution.
bool IsWindowOp(OpKind kind) {
  return kind == OpKind::kConv || kind == OpKind::kMaxPool || kind == OpKind::kAveragePool ||
         kind == OpKind::kGlobalAveragePool || kind == OpKind::kGlobalMaxPool;
}

}  // namespace

std::span<const ir::OpKind> EdgeTarget::SupportedOps() { return kSupportedOps; }

Status EdgeTarget::check_supported(const ir::Op& op) const {
  if (ir::IsDynamicQuant(op)) {
    return Status::Error(ir::StrCat(
        "op '", op.kind_name(), "' marked dynamic_quant (int8-dynamic) is not supported by ",
        "target 'edge': XNNPACK has no dynamically quantized kernels here; use --quantize int8 ",
        "or int8-weight"));
  }
  if (TouchesQuantized(op)) {
    if (Status s = CheckEdgeQuantized(op); !s.ok()) return s;
  } else if (Status s = CheckSupportedF32(op, kSupportedOps, name()); !s.ok()) {
    return s;
  }
  if (IsWindowOp(op.kind()) && op.attrs().GetString("layout", "NCHW") != "NHWC") {
    return Status::Error(ir::StrCat("op '", op.kind_name(),
                                    "' is supported by target 'edge' only as a 2-D NHWC op "
                                    "without a fused residual (this one stayed ",
                                    op.attrs().GetString("layout", "NCHW"), ")"));
  }
  return Status::Ok();
}

void EdgeTarget::add_legalization(PassManager& pm) const {
  // A quantized graph (QDQ form) first becomes ops on quantized types (fold-qdq), again after
  // the activations are fused, and the ops the runtime cannot run quantized are expanded back
  // to float between dequantize and quantize (edge_quantized.h says which it can).
  //
  // XNNPACK clamps a node's output (relu, clip) and has hardswish/sigmoid nodes: fuse activations
  // into their producers, but no residual adds (XNNPACK has no sum post-op). Then NHWC: window
  // ops get transposes around them, which sink through elementwise ops (quantize and dequantize
  // too) until pairs cancel. (`nhwc` is passes/layout's pipeline: channels-last, then
  // sink-transposes to a fixpoint.)
  [[maybe_unused]] Status s =
      pm.AddPipeline("fold-qdq,infer-shapes,fixpoint(fuse-activation,dce),fold-qdq");
  assert(s.ok() && "the edge legalization pipeline names registered passes");
  pm.AddPass(std::make_unique<ExpandQuantizedPass>(
      [](const ir::Op& op) { return CheckEdgeQuantized(op).ok(); }));
  s = pm.AddPipeline("dce,nhwc");
  assert(s.ok() && "the edge legalization pipeline names registered passes");
}

Expected<std::vector<uint8_t>> EdgeTarget::emit(const ir::Graph& graph,
                                                const PlannedBuffers& buffers,
                                                const ArtifactOptions& options) const {
  ArtifactOptions edge = options;
  edge.target = std::string(name());
  return WriteArtifact(graph, buffers, edge);
}

}  // namespace kiln::codegen
