#include "runtime/edge/portable/binary.h"

#include <cassert>
#include <cmath>

#include "runtime/edge/portable/strided_counter.h"

namespace kiln::edge::portable {
namespace {

constexpr std::string_view kNames[] = {
#define KILN_X(e, name) name,
    KILN_EDGE_BINARY_KINDS(KILN_X)
#undef KILN_X
};
static_assert(std::size(kNames) == 7);

// The broadcast with size-1 dims dropped and neighbours that broadcast alike merged; a
// stride of 0 marks a broadcast operand.
struct Broadcast {
  int rank = 0;
  int64_t dims[kMaxRank] = {};
  int64_t a_strides[kMaxRank] = {};
  int64_t b_strides[kMaxRank] = {};
};

Broadcast Simplify(Dims a_dims, Dims b_dims, Dims out_dims) {
  const size_t rank = out_dims.size();
  Broadcast s;
  bool a_bcast[kMaxRank], b_bcast[kMaxRank];
  for (size_t d = 0; d < rank; ++d) {
    if (out_dims[d] == 1) continue;
    const bool ab = d + a_dims.size() < rank || a_dims[d + a_dims.size() - rank] == 1;
    const bool bb = d + b_dims.size() < rank || b_dims[d + b_dims.size() - rank] == 1;
    if (s.rank > 0 && a_bcast[s.rank - 1] == ab && b_bcast[s.rank - 1] == bb) {
      s.dims[s.rank - 1] *= out_dims[d];
    } else {
      a_bcast[s.rank] = ab;
      b_bcast[s.rank] = bb;
      s.dims[s.rank++] = out_dims[d];
    }
  }
  int64_t a_stride = 1, b_stride = 1;
  for (int d = s.rank - 1; d >= 0; --d) {
    s.a_strides[d] = a_bcast[d] ? 0 : a_stride;
    s.b_strides[d] = b_bcast[d] ? 0 : b_stride;
    if (!a_bcast[d]) a_stride *= s.dims[d];
    if (!b_bcast[d]) b_stride *= s.dims[d];
  }
  return s;
}

// The three contiguous inner loops: vector op vector, scalar op vector, vector op scalar.
template <typename Op>
void Line(Op op, const float* a, int64_t a_stride, const float* b, int64_t b_stride, int64_t n,
          float* y) {
  if (a_stride != 0 && b_stride != 0) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] = op(a[i], b[i]);
  } else if (a_stride == 0) {
    const float s = *a;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] = op(s, b[i]);
  } else {
    const float s = *b;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] = op(a[i], s);
  }
}

template <typename Op>
void Run(Op op, const float* a, const float* b, const Broadcast& s, float* y) {
  if (s.rank == 0) {  // one element
    *y = op(*a, *b);
    return;
  }
  const int outer_rank = s.rank - 1;
  const int64_t n = s.dims[outer_rank];
  const int64_t lines = NumElements(Dims(s.dims, outer_rank));
  StridedCounter it(Dims(s.dims, outer_rank), Dims(s.a_strides, outer_rank),
                    Dims(s.b_strides, outer_rank));
  for (int64_t i = 0; i < lines; ++i, it.Next()) {
    Line(op, a + it.offset0(), s.a_strides[outer_rank], b + it.offset1(), s.b_strides[outer_rank],
         n, y + i * n);
  }
}

}  // namespace

std::string_view BinaryKindName(BinaryKind kind) { return kNames[static_cast<int>(kind)]; }

void Binary(BinaryKind kind, const float* a, Dims a_dims, const float* b, Dims b_dims,
            Dims out_dims, float* y) {
  assert(out_dims.size() <= static_cast<size_t>(kMaxRank));
  assert(BroadcastDims(a_dims, b_dims) == FixedDims(out_dims));
  if (NumElements(out_dims) == 0) return;
  const Broadcast s = Simplify(a_dims, b_dims, out_dims);
  switch (kind) {
    case BinaryKind::kAdd:
      return Run([](float u, float v) { return u + v; }, a, b, s, y);
    case BinaryKind::kSub:
      return Run([](float u, float v) { return u - v; }, a, b, s, y);
    case BinaryKind::kMul:
      return Run([](float u, float v) { return u * v; }, a, b, s, y);
    case BinaryKind::kDiv:
      return Run([](float u, float v) { return u / v; }, a, b, s, y);
    case BinaryKind::kPow:
      return Run([](float u, float v) { return std::pow(u, v); }, a, b, s, y);
    case BinaryKind::kMin:
      return Run([](float u, float v) { return (u < v || u != u) ? u : v; }, a, b, s, y);
    case BinaryKind::kMax:
      return Run([](float u, float v) { return (u > v || u != u) ? u : v; }, a, b, s, y);
  }
}

}  // namespace kiln::edge::portable
