// Reductions (ONNX ReduceSum / ReduceMean / ReduceMax / ReduceMin) in f32 over a set of axes.
// y has x's dims with the reduced ones set to 1 (keepdims or not is the same bytes). Adjacent
// kept or reduced axes merge first, so the inner loop either folds a contiguous line into one
// value or combines a contiguous row into a row of y. Line sums accumulate in double. An empty
// reduction gives 0 (sum), NaN (mean), -inf (max) or +inf (min); max and min skip NaN inputs;
// empty `axes` reduce nothing (the caller passes every axis to reduce all).
//
//   const int64_t dims[] = {2, 64, 7, 7}, axes[] = {2, 3};        // global average pool
//   Reduce(ReduceKind::kMean, x, dims, axes, y);                  // y [2, 64, 1, 1]
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

// X(enumerator, name)
#define KILN_EDGE_REDUCE_KINDS(X) \
  X(kSum, "sum")                  \
  X(kMean, "mean")                \
  X(kMax, "max")                  \
  X(kMin, "min")

enum class ReduceKind {
#define KILN_X(e, name) e,
  KILN_EDGE_REDUCE_KINDS(KILN_X)
#undef KILN_X
};

std::string_view ReduceKindName(ReduceKind kind);

// `axes` sorted, unique, in [0, rank).
void Reduce(ReduceKind kind, const float* x, Dims dims, std::span<const int64_t> axes, float* y);

}  // namespace kiln::edge::portable
