#include "runtime/edge/portable/strided_counter.h"

#include <cassert>

namespace kiln::edge::portable {

StridedCounter::StridedCounter(Dims dims, Dims strides0, Dims strides1)
    : rank_(static_cast<int>(dims.size())) {
  assert(dims.size() <= static_cast<size_t>(kMaxRank));
  assert(strides0.empty() || strides0.size() == dims.size());
  assert(strides1.empty() || strides1.size() == dims.size());
  for (int d = 0; d < rank_; ++d) {
    dims_[d] = dims[d];
    strides_[0][d] = strides0.empty() ? 0 : strides0[d];
    strides_[1][d] = strides1.empty() ? 0 : strides1[d];
  }
}

void StridedCounter::Next() {
  for (int d = rank_ - 1; d >= 0; --d) {
    offset_[0] += strides_[0][d];
    offset_[1] += strides_[1][d];
    if (++index_[d] < dims_[d]) return;
    index_[d] = 0;
    offset_[0] -= strides_[0][d] * dims_[d];
    offset_[1] -= strides_[1][d] * dims_[d];
  }
}

}  // namespace kiln::edge::portable
