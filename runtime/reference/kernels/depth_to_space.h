// DepthToSpace and SpaceToDepth (ONNX) on NCHW tensors: move blocksize x blocksize groups of
// channels into spatial blocks and back. DepthToSpace's "DCR" mode takes the block offset from
// the high channel bits, "CRD" from the low ones; SpaceToDepth is the inverse of DCR.
//
//   rt::Result<Tensor> y = DepthToSpace(x, 2, DepthToSpaceMode::kDcr);  // [1,8,2,3] -> [1,2,4,6]
//   rt::Result<Tensor> z = SpaceToDepth(*y, 2);                          // back to [1,8,2,3]
#pragma once

#include <cstdint>
#include <string_view>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class DepthToSpaceMode { kDcr, kCrd };

// "DCR" (also ""), "CRD".
rt::Result<DepthToSpaceMode> ParseDepthToSpaceMode(std::string_view name);

rt::Result<Tensor> DepthToSpace(const Tensor& x, int64_t blocksize, DepthToSpaceMode mode);
rt::Result<Tensor> SpaceToDepth(const Tensor& x, int64_t blocksize);

}  // namespace kiln::ref
