// The reference interpreter's table from IR op kind to an op kernel: a function that reads the
// op's attributes and types, calls the pure kernels of runtime/reference/kernels/ and produces
// the op's results. Each op family registers its kernels explicitly in one function
// (RegisterElementwiseOps, RegisterConvOps, ...); RegisterAllOpKernels calls them all, so a
// reader finds every kernel from register_all.cc.
//
//   OpKernelTable table;
//   RegisterAllOpKernels(table);
//   OpKernelFn fn = table.Find(ir::OpKind::kConv);   // null if no kernel
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "ir/op.h"
#include "ir/op_kind.h"
#include "ir/scalar_type.h"
#include "ir/status.h"
#include "ir/tensor_type.h"
#include "runtime/reference/kernels/quantize.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// What an op kernel sees. `operands[i]` is null for an absent optional operand. The kernel
// fills `results` (already sized to op.num_results()) with tensors whose dtypes match the
// op's result types; shapes are computed from the operands at run time, so symbolic dims work.
struct OpKernelContext {
  const ir::Op& op;
  std::span<const Tensor* const> operands;
  std::vector<Tensor>& results;
  int threads = 1;

  const Tensor* operand(int i) const {
    return i < static_cast<int>(operands.size()) ? operands[i] : nullptr;
  }
  // For an op on quantized types other than quantize/dequantize (docs/ir.md, "Quantized
  // operands"): the float types it computes in, one per operand and result. The interpreter
  // dequantizes the operands before and quantizes the results after the kernel, so a kernel
  // only ever sees float tensors there. Empty otherwise.
  std::span<const ir::TensorType* const> real_operand_types = {};
  std::span<const ir::TensorType* const> real_result_types = {};

  // The op's result types say the element type (and QuantSpec) of each result.
  const ir::TensorType& result_type(int i = 0) const {
    return real_result_types.empty() ? *op.result(i)->type() : *real_result_types[i];
  }
  const ir::TensorType& operand_type(int i) const {
    return real_operand_types.empty() ? *op.operand(i)->type() : *real_operand_types[i];
  }
};

// Returns an error whose message says what is wrong ("operand 1 has shape [3] but ..."); the
// interpreter prefixes the op's name and kind.
using OpKernelFn = Status (*)(OpKernelContext& ctx);

class OpKernelTable {
 public:
  void Register(ir::OpKind kind, OpKernelFn fn) { fns_[static_cast<size_t>(kind)] = fn; }
  OpKernelFn Find(ir::OpKind kind) const { return fns_[static_cast<size_t>(kind)]; }

 private:
  std::array<OpKernelFn, ir::kNumOpKinds> fns_{};
};

// The runtime element type of an IR scalar type (the two lists mirror each other).
DType DTypeOf(ir::ScalarType scalar);
// Converts a kernel's rt::Status into a kiln::Status.
Status FromRt(const rt::Status& status);
// The kernels' mirror of a quantized type's QuantSpec; an error for a type without one.
Expected<QuantParams> QuantParamsOf(const ir::TensorType& type);

// Moves a kernel's tensor into result `i` of `ctx` after checking its dtype against the op's
// result type (the executor checks again, for kernels that fill results themselves); a
// kernel's error passes through.
Status SetResult(OpKernelContext& ctx, int i, rt::Result<Tensor> tensor);
inline Status SetResult(OpKernelContext& ctx, rt::Result<Tensor> tensor) {
  return SetResult(ctx, 0, std::move(tensor));
}

// One per op family, each in its interpreter/<family>_ops.cc.
void RegisterElementwiseOps(
    OpKernelTable& table);                      // unary, binary, compare, logic, where, clip, cast
void RegisterLinearOps(OpKernelTable& table);   // conv, conv_transpose, gemm, matmul, linear
void RegisterPoolingOps(OpKernelTable& table);  // max/average/global pooling
void RegisterNormalizationOps(OpKernelTable& table);  // batch/layer/instance norm
void RegisterReductionOps(OpKernelTable& table);      // reduce_*, arg_max/min, softmax, log_softmax
void RegisterMovementOps(OpKernelTable& table);  // reshape, transpose, concat, slice, gather, ...
void RegisterQuantizationOps(OpKernelTable& table);  // quantize, dequantize
void RegisterIndexingOps(OpKernelTable& table);      // gather_nd, scatter_*, one_hot, top_k, ...
void RegisterLinalgOps(OpKernelTable& table);        // einsum, det
void RegisterVisionOps(OpKernelTable& table);        // lrn, max_unpool, grid_sample, roi_align, nms
void RegisterRecurrentOps(OpKernelTable& table);     // rnn, gru, lstm

// All of the above.
void RegisterAllOpKernels(OpKernelTable& table);

}  // namespace kiln::ref
