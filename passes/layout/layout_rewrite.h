// What the layout passes (channels-last, sink-transposes) share: which types a transpose or
// reshape may move without changing their meaning, creating a transpose, handing a result
// over to the op that replaces it, and erasing ops a rewrite left without users.
//
//   if (IsLayoutFree(x->type()) && UsedOnlyBy(t->result(), op)) ...
//   ir::Value* y = CreateTranspose(x, kNhwcToNchw, old->type(), /*before=*/op);
//   EraseIfDead(t);
#pragma once

#include "ir/graph.h"
#include "ir/op.h"
#include "ir/shape.h"
#include "ir/tensor_type.h"
#include "passes/layout/permutation.h"

namespace kiln {

// Not quantized, or quantized per tensor: moving elements (transpose, reshape) keeps what
// every element means. A per-axis or per-block spec would need its axis moved too.
bool IsLayoutFree(const ir::TensorType* type);

// Same scalar type and quantization (shapes may differ).
bool SameElements(const ir::TensorType* a, const ir::TensorType* b);

// Every use of `value` is an operand of `op` (at least one; a graph output is another user).
bool UsedOnlyBy(const ir::Value* value, const ir::Op* op);

// A new transpose(x, perm) with result type `type`, inserted before `before` (in its graph).
ir::Value* CreateTranspose(ir::Value* x, const Perm& perm, const ir::TensorType* type,
                           ir::Op* before);

// The ops sink-transposes moves a transpose past: a unary elementwise op (kUnaryElementwise,
// clip whose bounds are absent or one-element constants, quantize and dequantize per tensor),
// and add, sub, mul, div, min, max or pow of two operands.
bool IsSinkableUnary(const ir::Op& op);
bool IsSinkableBinary(const ir::Op& op);

// Erases `op` (and the transposes and reshapes that fed only it, transitively) when none of
// its results is used. Only for ops a walk has already passed.
void EraseIfDead(ir::Op* op);

}  // namespace kiln
