// Reductions over a set of axes (ONNX ReduceMean/Sum/Max/Min/Prod/L2/SumSquare/L1/LogSum/
// LogSumExp, opset 18 form with the axes given as a list). Empty axes reduce every dim unless
// noop_with_empty_axes, which returns the input unchanged. Every plain numeric dtype (not
// bool); floats accumulate in double, integers in 64 bits, and the log kinds compute in double
// for every dtype. LogSumExp subtracts each group's maximum first, so large inputs stay finite.
//
//   ReduceParams p{.axes = {2, 3}, .keepdims = true};
//   rt::Result<Tensor> y = Reduce(ReduceKind::kMean, x, p);  // [N,C,H,W] -> [N,C,1,1]
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class ReduceKind {
  kMean,
  kSum,
  kMax,
  kMin,
  kProd,
  kL2,
  kSumSquare,
  kL1,         // sum of |x|
  kLogSum,     // log(sum(x))
  kLogSumExp,  // log(sum(exp(x)))
};

struct ReduceParams {
  std::vector<int64_t> axes = {};  // may be negative; duplicates are an error
  bool keepdims = true;
  bool noop_with_empty_axes = false;
};

rt::Result<Tensor> Reduce(ReduceKind kind, const Tensor& x, const ReduceParams& params);

// Resolves `axes` against `rank` into a sorted list of distinct dims in [0, rank).
rt::Result<std::vector<int>> NormalizeAxes(const std::vector<int64_t>& axes, int rank);

}  // namespace kiln::ref
