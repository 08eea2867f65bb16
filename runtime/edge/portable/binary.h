// Elementwise binary f32 ops (ONNX Add, Sub, Mul, Div, Pow, Min, Max) with numpy broadcasting
// to out_dims (= BroadcastDims(a_dims, b_dims), computed by the caller). Size-1 dims are
// dropped and neighbouring dims that broadcast alike are merged, so the inner loop is always
// contiguous: same shapes run as one flat loop, a scalar or a row ([N, C] op [C]) as vector
// op scalar / vector op vector per row. Min and max propagate NaN. y may equal a or b when it
// has the same dims.
//
//   const int64_t x_dims[] = {8, 64, 56, 56}, b_dims[] = {64, 1, 1};   // per-channel bias
//   Binary(BinaryKind::kAdd, x, x_dims, bias, b_dims, x_dims, y);
#pragma once

#include <string_view>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

// X(enumerator, name)
#define KILN_EDGE_BINARY_KINDS(X) \
  X(kAdd, "add")                  \
  X(kSub, "sub")                  \
  X(kMul, "mul")                  \
  X(kDiv, "div")                  \
  X(kPow, "pow")                  \
  X(kMin, "min")                  \
  X(kMax, "max")

enum class BinaryKind {
#define KILN_X(e, name) e,
  KILN_EDGE_BINARY_KINDS(KILN_X)
#undef KILN_X
};

std::string_view BinaryKindName(BinaryKind kind);

void Binary(BinaryKind kind, const float* a, Dims a_dims, const float* b, Dims b_dims,
            Dims out_dims, float* y);

}  // namespace kiln::edge::portable
