// Numpy broadcasting for the oneDNN kernels: the broadcast shape of several operands, an
// operand's dims padded with leading ones to a rank (oneDNN's binary and matmul want equal
// ranks), and plain-layout loops for what oneDNN's binary cannot do (a first operand that
// broadcasts, pow with a tensor exponent).
//
//   rt::Result<Dims> out = BroadcastDims({{2, 1, 4}, {3, 1}});   // [2, 3, 4]
//   Dims b = PadDims({3, 1}, 3);                                  // [1, 3, 1]
//   BroadcastCopy(b_data, b, out_data, *out);
#pragma once

#include <span>

#include "runtime/cloud/dnnl_api.h"
#include "runtime/core/result.h"

namespace kiln::cloud {

// The numpy broadcast of all `shapes`; an error naming them when they do not broadcast.
rt::Result<Dims> BroadcastDims(std::span<const Dims> shapes);

// `dims` with leading ones up to `rank` (unchanged when already that long).
Dims PadDims(const Dims& dims, size_t rank);

// Writes `src` (plain, `src_dims` broadcastable to `out_dims`) broadcast to `out_dims`, plain.
void BroadcastCopy(const float* src, const Dims& src_dims, float* dst, const Dims& out_dims);

// out = pow(a, b) elementwise with broadcasting, all plain f32.
void BroadcastPow(const float* a, const Dims& a_dims, const float* b, const Dims& b_dims,
                  float* out, const Dims& out_dims);

}  // namespace kiln::cloud
