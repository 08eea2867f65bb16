#include "runtime/cloud/dnnl_broadcast.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace kiln::cloud {
namespace {

std::string ShapeList(std::span<const Dims> shapes) {
  std::string s;
  for (const Dims& d : shapes) {
    s += s.empty() ? "[" : " and [";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
    s += "]";
  }
  return s;
}

// Element strides of a plain `dims` padded to `rank`, 0 along broadcast (size 1) dims.
Dims BroadcastStrides(const Dims& dims, size_t rank, const Dims& out_dims) {
  const Dims padded = PadDims(dims, rank);
  Dims strides(rank, 0);
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    strides[i] = padded[i] == out_dims[i] && padded[i] != 1 ? stride : 0;
    stride *= padded[i];
  }
  return strides;
}

// Calls fn(out_index, a_offset, b_offset) for every element of `out_dims` in row-major order.
template <typename Fn>
void ForEachBroadcast(const Dims& out_dims, const Dims& a_strides, const Dims& b_strides, Fn fn) {
  const size_t rank = out_dims.size();
  int64_t total = 1;
  for (int64_t d : out_dims) total *= d;
  if (total == 0) return;
  if (rank == 0) return fn(0, 0, 0);
  const int64_t inner = out_dims[rank - 1];
  const int64_t sa = a_strides[rank - 1], sb = b_strides[rank - 1];
  Dims index(rank, 0);
  int64_t a = 0, b = 0;
  for (int64_t o = 0; o < total; o += inner) {
    for (int64_t i = 0; i < inner; ++i) fn(o + i, a + i * sa, b + i * sb);
    // Advance the outer dims like an odometer.
    for (size_t d = rank - 1; d-- > 0;) {
      a += a_strides[d];
      b += b_strides[d];
      if (++index[d] < out_dims[d]) break;
      a -= a_strides[d] * out_dims[d];
      b -= b_strides[d] * out_dims[d];
      index[d] = 0;
    }
  }
}

}  // namespace

rt::Result<Dims> BroadcastDims(std::span<const Dims> shapes) {
  size_t rank = 0;
  for (const Dims& d : shapes) rank = std::max(rank, d.size());
  Dims out(rank, 1);
  for (const Dims& d : shapes) {
    const Dims padded = PadDims(d, rank);
    for (size_t i = 0; i < rank; ++i) {
      if (padded[i] == out[i] || padded[i] == 1) continue;
      if (out[i] != 1) {
        return rt::Status::Error("shapes " + ShapeList(shapes) + " do not broadcast");
      }
      out[i] = padded[i];
    }
  }
  return out;
}

Dims PadDims(const Dims& dims, size_t rank) {
  if (dims.size() >= rank) return dims;
  Dims padded(rank - dims.size(), 1);
  padded.insert(padded.end(), dims.begin(), dims.end());
  return padded;
}

void BroadcastCopy(const float* src, const Dims& src_dims, float* dst, const Dims& out_dims) {
  const Dims strides = BroadcastStrides(src_dims, out_dims.size(), out_dims);
  ForEachBroadcast(out_dims, strides, strides,
                   [&](int64_t o, int64_t a, int64_t) { dst[o] = src[a]; });
}

void BroadcastPow(const float* a, const Dims& a_dims, const float* b, const Dims& b_dims,
                  float* out, const Dims& out_dims) {
  const size_t rank = out_dims.size();
  ForEachBroadcast(out_dims, BroadcastStrides(a_dims, rank, out_dims),
                   BroadcastStrides(b_dims, rank, out_dims),
                   [&](int64_t o, int64_t ia, int64_t ib) { out[o] = std::pow(a[ia], b[ib]); });
}

}  // namespace kiln::cloud
