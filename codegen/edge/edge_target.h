// The `edge` target: devices (aarch64, also x86-64), run by runtime/edge on XNNPACK and the
// runtime's own portable kernels.
//
// Legalization makes 4-D convolutions and pools channels-last (NHWC, with weights in XNNPACK's
// layouts) and sinks the transposes that creates until adjacent pairs cancel, so a conv chain
// stays NHWC from the model input's one transpose to its classifier. Supports the ops of one
// table (edge_target.cc) on f32 activations, with integer constants as operands. Tensors are
// dense: the base class's buffer_bytes.
//
//   EdgeTarget edge;
//   edge.check_supported(op);   // "op 'lstm' is not supported by target 'edge'"
#pragma once

#include <span>
#include <string_view>

#include "codegen/target.h"

namespace kiln::codegen {

class EdgeTarget : public Target {
 public:
  std::string_view name() const override { return "edge"; }
  Status check_supported(const ir::Op& op) const override;
  void add_legalization(PassManager& pm) const override;
  Expected<std::vector<uint8_t>> emit(const ir::Graph& graph, const PlannedBuffers& buffers,
                                      const ArtifactOptions& options) const override;

  // The op kinds the edge runtime executes, in ir/ops.def order.
  static std::span<const ir::OpKind> SupportedOps();
};

}  // namespace kiln::codegen
