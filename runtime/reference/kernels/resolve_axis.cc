#include "runtime/reference/kernels/resolve_axis.h"

#include <algorithm>
#include <string>

namespace kiln::ref {

rt::Result<int> ResolveAxis(int64_t axis, int rank, std::string_view what) {
  if (axis < -rank || axis >= rank) {
    return rt::Status::Error(std::string(what) + ": axis " + std::to_string(axis) +
                             " is out of range for rank " + std::to_string(rank));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

rt::Result<std::vector<int>> ResolveAxes(std::span<const int64_t> axes, int rank,
                                         std::string_view what) {
  std::vector<int> out;
  out.reserve(axes.size());
  for (int64_t a : axes) {
    rt::Result<int> r = ResolveAxis(a, rank, what);
    if (!r.ok()) return r.status();
    if (std::find(out.begin(), out.end(), *r) != out.end()) {
      return rt::Status::Error(std::string(what) + ": axis " + std::to_string(a) + " is repeated");
    }
    out.push_back(*r);
  }
  return out;
}

}  // namespace kiln::ref
