// An edge kernel that is a node of an XNNPACK Subgraph (plus a second node for a fused
// activation XNNPACK has as a node of its own). The executor puts consecutive XNNPACK kernels into
// one Subgraph and Runtime (xnn_segment.h): each kernel's non-constant inputs and outputs are
// external values of their own, bound to the executor's planned buffers, and its constants
// (weights) static values XNNPACK packs once per preparation. Values are f32, and for the
// kernels that take quantized values (TakesQuantized: conv, max_pool, add, quantize, dequantize)
// also quantized ones: XNNPACK's qint8/quint8/qint32 per tensor, qcint8/qcint32 per channel. A case
// XNNPACK does not cover goes to the portable kernel of the same key (Handles), and the kernel
// then runs alone.
//
// A subclass computes output dims and defines its node:
//
//   class ReluKernel : public XnnKernel {
//     rt::Status InferDims(const PrepareContext& ctx) override { ... }
//     rt::Status DefineNode(const NodeContext& n) override {
//       return Check(xnn_define_clamp(n.subgraph, 0, INFINITY, n.in[0], n.out[0], 0), n, "clamp");
//     }
//   };
#pragma once

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "runtime/edge/activation.h"
#include "runtime/edge/edge_kernel.h"
#include "runtime/edge/xnn_api.h"

namespace kiln::edge {

class XnnKernel : public EdgeKernel {
 public:
  // Output dims and attributes; the XNNPACK values and nodes come later, from Define.
  rt::Status Prepare(const PrepareContext& ctx) final;
  // Only when the portable kernel took the op over (AsXnn() is null); else an error.
  rt::Status Bind(std::span<const void* const> inputs, std::span<void* const> outputs) final;
  rt::Status Run() final;
  XnnKernel* AsXnn() final { return portable_ != nullptr ? nullptr : this; }

  // The external values Define uses: the non-constant inputs and the outputs.
  uint32_t num_external_values() const;
  // Defines this op's values and node(s) in `subgraph`, taking external ids from *next_id on.
  rt::Status Define(xnn_subgraph_t subgraph, uint32_t* next_id);
  // Appends this op's external values, bound to its buffers (inputs null where absent).
  void AppendExternalValues(std::span<const void* const> inputs, std::span<void* const> outputs,
                            std::vector<xnn_external_value>& values);
  // A fused activation XNNPACK has no node for runs after the Runtime, in place on the output;
  // the executor ends a Subgraph after such a kernel.
  bool has_post_op() const { return portable_activation_; }
  void RunPostOp() const;

 protected:
  struct NodeContext {
    xnn_subgraph_t subgraph;
    const std::string& where;
    std::span<const uint32_t> in;   // value ids; XNN_INVALID_VALUE_ID for an absent input
    std::span<const uint32_t> out;  // value ids of the outputs (before a fused activation node)
    float output_min = -INFINITY;   // the fused activation as a clamp, when it is one
    float output_max = INFINITY;
  };

  // False when this case is the portable kernel's (a non-constant weight, softmax over another
  // axis): Prepare then hands the op to NewPortableKernel(key).
  virtual bool Handles(const PrepareContext& ctx) const {
    (void)ctx;
    return true;
  }
  // Sets the outputs' dims in ctx.outputs; checks operands and attributes.
  virtual rt::Status InferDims(const PrepareContext& ctx) = 0;
  // Defines the node (its output clamped to [output_min, output_max] where the node can).
  virtual rt::Status DefineNode(const NodeContext& n) = 0;
  // The dims XNNPACK sees for input `i` (a bias [1,N] seen as [N], say); its own dims by default.
  virtual Dims ValueDims(int i, const TensorInfo& info) const;
  // The dims XNNPACK sees for output `o` (a fully connected layer's [..., N] as [M, N]).
  virtual Dims OutputValueDims(int o, const TensorInfo& info) const;
  // True for kernels whose node takes quantized operands and results (the node checks which
  // combinations); the others take f32 only.
  virtual bool TakesQuantized() const { return false; }
  // True if the op carries a fused activation (conv, gemm, linear, matmul): its attributes are
  // read and applied after the node.
  virtual bool HasFusedActivation() const { return false; }
  // False if the node cannot clamp its output itself (the clamp then becomes a node of its own).
  virtual bool NodeClamps() const { return true; }

  // Ok, or an error naming the op and the XNNPACK call.
  static rt::Status Check(xnn_status status, const NodeContext& n, std::string_view what);

  // A value of this op as XNNPACK types it: f32, or quantized by `quant`.
  struct ValueType {
    rt::DType dtype = rt::DType::kF32;
    const artifact::Quant* quant = nullptr;
  };
  // Defines a value of `type` (a static one when `data` is set): xnn_define_tensor_value or
  // its quantized forms.
  static xnn_status DefineValue(xnn_subgraph_t subgraph, const ValueType& type, const Dims& dims,
                                const void* data, uint32_t external_id, uint32_t flags,
                                uint32_t* id);

 private:
  std::unique_ptr<EdgeKernel> portable_;   // set when !Handles(ctx)
  std::vector<Dims> value_dims_;           // per input (empty when absent), as XNNPACK sees it
  std::vector<ValueType> input_types_;     // per input
  std::vector<ValueType> output_types_;    // per output
  std::vector<const void*> constants_;     // per input: a constant's bytes, else null
  std::vector<uint8_t> present_;           // per input: 0 for an absent optional one
  std::vector<Dims> output_dims_;          // per output, as XNNPACK sees it
  std::vector<uint32_t> external_inputs_;  // per op input: an external id or XNN_INVALID_VALUE_ID
  std::vector<uint32_t> external_outputs_;
  Activation activation_;  // applied by the portable kernel when XNNPACK has no node
  bool portable_activation_ = false;
  float* output_ = nullptr;
  int64_t output_elements_ = 0;
  std::string where_;
};

}  // namespace kiln::edge
