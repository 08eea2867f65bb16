// Turns an ONNX-style axis (negative counts from the end) into an index in [0, rank), with an
// error for axes out of range; every kernel that takes an axis or a list of axes uses it.
//
//   rt::Result<int> a = ResolveAxis(-1, 4, "concat");   // 3
//   rt::Result<std::vector<int>> axes = ResolveAxes({0, -1}, 3, "squeeze");  // {0, 2}
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"

namespace kiln::ref {

rt::Result<int> ResolveAxis(int64_t axis, int rank, std::string_view what);
// Each axis resolved; repeated axes are an error.
rt::Result<std::vector<int>> ResolveAxes(std::span<const int64_t> axes, int rank,
                                         std::string_view what);

}  // namespace kiln::ref
