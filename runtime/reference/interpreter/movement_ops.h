// The movement op family's parts, each registered from RegisterMovementOps (movement_ops.cc),
// plus the operand reading they share.
//
//   OpKernelTable table;
//   RegisterMovementOps(table);   // calls the three functions below
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/int64_values.h"

namespace kiln::ref {

// identity, dropout, reshape, flatten, squeeze, unsqueeze, shape, size, constant_of_shape, range.
void RegisterShapeOps(OpKernelTable& table);
// transpose, concat, split, slice, gather, gather_elements, pad, expand, tile, depth_to_space,
// space_to_depth.
void RegisterCopyOps(OpKernelTable& table);
// resize.
void RegisterResizeOps(OpKernelTable& table);

// The integer values of operand `i`, which must be present.
inline Expected<std::vector<int64_t>> OperandInts(const OpKernelContext& ctx, int i,
                                                  const char* what) {
  const Tensor* t = ctx.operand(i);
  if (t == nullptr)
    return Status::Error(std::string(what) + " (operand " + std::to_string(i) + ") is missing");
  rt::Result<std::vector<int64_t>> v = ReadInt64Values(*t, what);
  if (!v.ok()) return FromRt(v.status());
  return std::move(*v);
}

// Stores a kernel's result (or returns its error).
inline Status SetResult(OpKernelContext& ctx, int i, rt::Result<Tensor> r) {
  if (!r.ok()) return FromRt(r.status());
  ctx.results[i] = std::move(*r);
  return Status::Ok();
}

}  // namespace kiln::ref
