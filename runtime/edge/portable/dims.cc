#include "runtime/edge/portable/dims.h"

#include <algorithm>

namespace kiln::edge::portable {

int64_t DimProduct(Dims dims, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i) n *= dims[i];
  return n;
}

std::optional<FixedDims> BroadcastDims(Dims a, Dims b) {
  const size_t rank = std::max(a.size(), b.size());
  if (rank > static_cast<size_t>(kMaxRank)) return std::nullopt;
  FixedDims out;
  for (size_t i = 0; i < rank; ++i) {
    // Dim i of the result, with each operand padded by leading ones.
    const int64_t da = i + a.size() < rank ? 1 : a[i + a.size() - rank];
    const int64_t db = i + b.size() < rank ? 1 : b[i + b.size() - rank];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

}  // namespace kiln::edge::portable
