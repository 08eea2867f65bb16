#include "runtime/edge/portable/reduce.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "runtime/edge/portable/strided_counter.h"

namespace kiln::edge::portable {
namespace {

constexpr std::string_view kNames[] = {
#define KILN_X(e, name) name,
    KILN_EDGE_REDUCE_KINDS(KILN_X)
#undef KILN_X
};
static_assert(std::size(kNames) == 4);

float Identity(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::kMax:
      return -std::numeric_limits<float>::infinity();
    case ReduceKind::kMin:
      return std::numeric_limits<float>::infinity();
    default:
      return 0.0f;
  }
}

// Folds a contiguous line into one value.
float FoldLine(ReduceKind kind, const float* x, int64_t n, float acc) {
  if (kind == ReduceKind::kMax) {
#pragma omp simd reduction(max : acc)
    for (int64_t j = 0; j < n; ++j) acc = x[j] > acc ? x[j] : acc;
    return acc;
  }
  if (kind == ReduceKind::kMin) {
#pragma omp simd reduction(min : acc)
    for (int64_t j = 0; j < n; ++j) acc = x[j] < acc ? x[j] : acc;
    return acc;
  }
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < n; ++j) sum += x[j];
  return static_cast<float>(acc + sum);
}

// Combines a contiguous row of x into a row of y, element by element.
void FoldRow(ReduceKind kind, const float* x, int64_t n, float* y) {
  if (kind == ReduceKind::kMax) {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) y[j] = x[j] > y[j] ? x[j] : y[j];
  } else if (kind == ReduceKind::kMin) {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) y[j] = x[j] < y[j] ? x[j] : y[j];
  } else {
#pragma omp simd
    for (int64_t j = 0; j < n; ++j) y[j] += x[j];
  }
}

}  // namespace

std::string_view ReduceKindName(ReduceKind kind) { return kNames[static_cast<int>(kind)]; }

void Reduce(ReduceKind kind, const float* x, Dims dims, std::span<const int64_t> axes, float* y) {
  const int rank = static_cast<int>(dims.size());
  assert(rank <= kMaxRank && std::is_sorted(axes.begin(), axes.end()));
  // Merge adjacent axes of the same kind (reduced or kept), skipping size-1 axes.
  int64_t merged[kMaxRank];
  bool reduced[kMaxRank];
  int r = 0;
  int64_t y_count = 1, group = 1;  // group: how many x values fold into one y value
  for (int d = 0; d < rank; ++d) {
    const bool is_reduced = std::binary_search(axes.begin(), axes.end(), d);
    if (is_reduced) {
      group *= dims[d];
    } else {
      y_count *= dims[d];
    }
    if (dims[d] == 1) continue;
    if (r > 0 && reduced[r - 1] == is_reduced) {
      merged[r - 1] *= dims[d];
    } else {
      merged[r] = dims[d];
      reduced[r++] = is_reduced;
    }
  }
  std::fill(y, y + y_count, Identity(kind));
  const int64_t x_count = y_count * group;
  if (x_count > 0 && r > 0) {
    // Walk x line by line (all merged axes but the last); y's strides are 0 on reduced axes.
    int64_t y_strides[kMaxRank];
    int64_t stride = 1;
    for (int d = r - 1; d >= 0; --d) {
      y_strides[d] = reduced[d] ? 0 : stride;
      if (!reduced[d]) stride *= merged[d];
    }
    const int64_t n = merged[r - 1];
    StridedCounter it(Dims(merged, r - 1), Dims(y_strides, r - 1));
    for (int64_t i = 0; i < x_count / n; ++i, it.Next()) {
      float* out = y + it.offset0();
      if (reduced[r - 1]) {
        *out = FoldLine(kind, x + i * n, n, *out);
      } else {
        FoldRow(kind, x + i * n, n, out);
      }
    }
  } else if (x_count > 0) {
    std::copy(x, x + x_count, y);  // a single element
  }
  if (kind == ReduceKind::kMean) {
    const float count = static_cast<float>(group);  // an empty group gives 0 / 0 = NaN
    for (int64_t i = 0; i < y_count; ++i) y[i] /= count;
  }
}

}  // namespace kiln::edge::portable
