// Matrix product in f32 with numpy semantics (ONNX MatMul): a [..., M, K] times b [..., K, N]
// is y [..., M, N], the leading (batch) dims broadcasting; a 1-D a is [1, K] and a 1-D b is
// [K, 1], the promoted dim dropped from the result. A b without batches (weights) folds a's
// batches into M, so [B, T, D] x [D, E] is one product. Products are cache-blocked; N == 1
// runs as dot products.
//
//   std::optional<FixedDims> y_dims = MatMulOutputDims(a_dims, b_dims);  // at load
//   MatMul(a, a_dims, b, b_dims, y);  // y holds NumElements(*y_dims) floats
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

// The result dims, or empty when a rank is 0, the K dims differ or the batch dims do not
// broadcast.
std::optional<FixedDims> MatMulOutputDims(Dims a_dims, Dims b_dims);

// The dims must have a result (MatMulOutputDims); y does not overlap a or b.
void MatMul(const float* a, Dims a_dims, const float* b, Dims b_dims, float* y);

// y[M, N] = a[M, K] b[K, N], all row-major and dense; the blocked kernel MatMul runs per batch.
void Gemm(const float* a, const float* b, int64_t m, int64_t k, int64_t n, float* y);

}  // namespace kiln::edge::portable
