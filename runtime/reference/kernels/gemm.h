// General matrix multiply. Two layers: GemmRowMajor, the raw row-major primitive (Eigen
// underneath) that conv, conv_transpose and matmul build on; and Gemm, the ONNX Gemm op over
// tensors: Y = alpha * op(A) * op(B) + beta * C, with C unidirectionally broadcast to [M, N].
//
//   GemmParams p{.alpha = 1.0f, .beta = 1.0f, .trans_b = true};
//   rt::Result<Tensor> y = Gemm(a, b, &c, p, /*threads=*/4);    // a [M,K], b [N,K], c [N]
//   GemmRowMajor<float>(false, false, m, n, k, 1.0f, a, k, b, n, 0.0f, y, n, 1);
#pragma once

#include <cstdint>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// C[m x n] = alpha * op(A) * op(B) + beta * C over row-major buffers with leading dims (row
// strides) lda, ldb, ldc. op(A) is A [m x k], or A^T when A is stored [k x m]; likewise B.
// beta == 0 never reads C, so C may be uninitialized. Uses up to `threads` threads (a call
// made inside an OpenMP parallel region runs on the calling thread only). Instantiated for
// float, int32_t and int64_t.
template <typename T>
void GemmRowMajor(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                  int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc, int threads);

struct GemmParams {
  float alpha = 1.0f;
  float beta = 1.0f;
  bool trans_a = false;
  bool trans_b = false;
};

// A and B are rank 2 of one dtype (f32, i32 or i64); C (optional) has the same dtype and a
// shape unidirectionally broadcastable to [M, N]. For integer dtypes alpha and beta are
// truncated to integers.
rt::Result<Tensor> Gemm(const Tensor& a, const Tensor& b, const Tensor* c, const GemmParams& p,
                        int threads = 1);

}  // namespace kiln::ref
