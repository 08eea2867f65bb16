// The loop nest of the layout kernels (transpose, slice, broadcasting binary ops, batched
// matmul, reduce): walks the row-major positions of an iteration space of rank <= kMaxRank and
// keeps the offsets of up to two operands, each with its own per-dim strides (0 where the
// operand is broadcast). Kernels walk the outer dims with it and run a contiguous inner loop.
//
//   StridedCounter it(outer_dims, a_strides, b_strides);
//   for (int64_t i = 0; i < NumElements(outer_dims); ++i, it.Next())
//     Row(a + it.offset0(), b + it.offset1(), y + i * inner);
#pragma once

#include <cstdint>

#include "runtime/edge/portable/dims.h"

namespace kiln::edge::portable {

class StridedCounter {
 public:
  // `strides0` and `strides1` have dims.size() entries each, or none for an unused operand.
  StridedCounter(Dims dims, Dims strides0, Dims strides1 = {});

  int64_t offset0() const { return offset_[0]; }
  int64_t offset1() const { return offset_[1]; }
  // Moves to the next position; after the last one it wraps to the first (offsets 0).
  void Next();

 private:
  int rank_ = 0;
  int64_t dims_[kMaxRank] = {};
  int64_t index_[kMaxRank] = {};
  int64_t strides_[2][kMaxRank] = {};
  int64_t offset_[2] = {};
};

}  // namespace kiln::edge::portable
