// The `cloud` target: x86-64 servers, run by runtime/cloud on oneDNN.
//
// Supports the ops of one table (cloud_target.cc) on f32 activations; integer constants (reshape
// shapes, slice starts, gather indices) are fine as operands. Ops with regions are rejected.
// 4-D and 5-D f32 tensors may live in oneDNN blocked layouts (nChw16c, nCdhw16c), which pad
// the channel dim (dim 1) to a multiple of 16, so their arena buffers are sized for that.
//
//   CloudTarget cloud;
//   cloud.check_supported(op);   // "op 'if' is not supported by target 'cloud'"
//   cloud.buffer_bytes(*f32_type, {1, 3, 224, 224});   // 1*16*224*224*4
#pragma once

#include <span>
#include <string_view>

#include "codegen/target.h"

namespace kiln::codegen {

class CloudTarget : public Target {
 public:
  // Channel dims of blocked layouts are padded to a multiple of this.
  static constexpr int64_t kChannelBlock = 16;

  std::string_view name() const override { return "cloud"; }
  Status check_supported(const ir::Op& op) const override;
  void add_legalization(PassManager& pm) const override;
  int64_t buffer_bytes(const ir::TensorType& type, std::span<const int64_t> dims) const override;
  Expected<std::vector<uint8_t>> emit(const ir::Graph& graph, const PlannedBuffers& buffers,
                                      const ArtifactOptions& options) const override;

  // The op kinds the cloud runtime executes, in ir/ops.def order.
  static std::span<const ir::OpKind> SupportedOps();
};

}  // namespace kiln::codegen
