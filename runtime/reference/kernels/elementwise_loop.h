// The loops under every elementwise kernel: apply a per-element function over one operand,
// or over two broadcast operands, into a new tensor. Runs are contiguous, so with a plain
// functor the compiler vectorizes the inner loops; large outputs are split across threads.
//
//   rt::Result<Tensor> y = MapUnary<float, float>(x, DType::kF32, threads,
//                                                 [](float v) { return v * 2; });
//   rt::Result<Tensor> z = MapBinary<float, float, bool>(a, b, DType::kBool, threads,
//                                                        [](float p, float q) { return p < q; });
#pragma once

#include <span>

#include "runtime/reference/kernels/broadcast.h"
#include "runtime/reference/kernels/tensor.h"

// Asks for vectorization where OpenMP is enabled (kernels/ compiles with it).
#if defined(_OPENMP)
#define KILN_SIMD_LOOP _Pragma("omp simd")
#else
#define KILN_SIMD_LOOP
#endif

namespace kiln::ref {

template <typename TIn, typename TOut, typename F>
rt::Result<Tensor> MapUnary(const Tensor& x, DType out_dtype, int threads, F f) {
  rt::Result<Tensor> y = Tensor::Empty(out_dtype, x.shape());
  if (!y.ok()) return y;
  const TIn* in = x.data<TIn>();
  TOut* out = y->mutable_data<TOut>();
  ForEachBroadcastRun(FlatLayout(x.num_elements()), threads, [&](const BroadcastRun& r) {
    const TIn* p = in + r.out;
    TOut* o = out + r.out;
    const int64_t n = r.length;
    KILN_SIMD_LOOP
    for (int64_t i = 0; i < n; ++i) o[i] = f(p[i]);
  });
  return y;
}

template <typename TA, typename TB, typename TOut, typename F>
rt::Result<Tensor> MapBinaryInto(const Tensor& a, const Tensor& b, Shape out_shape, DType out_dtype,
                                 int threads, F f) {
  rt::Result<Tensor> y = Tensor::Empty(out_dtype, out_shape);
  if (!y.ok()) return y;
  const Shape shapes[] = {a.shape(), b.shape()};
  const BroadcastLayout layout = MakeBroadcastLayout(out_shape, shapes);
  const TA* pa = a.data<TA>();
  const TB* pb = b.data<TB>();
  TOut* out = y->mutable_data<TOut>();
  ForEachBroadcastRun(layout, threads, [&](const BroadcastRun& r) {
    const TA* x = pa + r.in[0];
    const TB* z = pb + r.in[1];
    TOut* o = out + r.out;
    const int64_t n = r.length;
    // One loop per stride pattern, so each is a plain vectorizable loop.
    if (r.step[0] == 1 && r.step[1] == 1) {
      KILN_SIMD_LOOP
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], z[i]);
    } else if (r.step[0] == 1) {
      const TB s = *z;
      KILN_SIMD_LOOP
      for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], s);
    } else if (r.step[1] == 1) {
      const TA s = *x;
      KILN_SIMD_LOOP
      for (int64_t i = 0; i < n; ++i) o[i] = f(s, z[i]);
    } else {
      const TOut v = f(*x, *z);
      for (int64_t i = 0; i < n; ++i) o[i] = v;
    }
  });
  return y;
}

// Multidirectional broadcasting of `a` and `b`.
template <typename TA, typename TB, typename TOut, typename F>
rt::Result<Tensor> MapBinary(const Tensor& a, const Tensor& b, DType out_dtype, int threads, F f) {
  const Shape shapes[] = {a.shape(), b.shape()};
  rt::Result<Shape> out_shape = BroadcastShapes(shapes);
  if (!out_shape.ok()) return out_shape.status();
  return MapBinaryInto<TA, TB, TOut>(a, b, std::move(*out_shape), out_dtype, threads, f);
}

}  // namespace kiln::ref
