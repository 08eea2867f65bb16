#include "runtime/reference/kernels/pad.h"

#include <cstring>
#include <string>

#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {
namespace {

// The input index that output index `o` reads on one axis, or -1 for the fill value.
int64_t SourceIndex(int64_t o, int64_t begin, int64_t dim, PadMode mode) {
  int64_t i = o - begin;
  if (i >= 0 && i < dim) return i;
  switch (mode) {
    case PadMode::kConstant:
      return -1;
    case PadMode::kEdge:
      return i < 0 ? 0 : dim - 1;
    case PadMode::kWrap:
      return ((i % dim) + dim) % dim;
    case PadMode::kReflect: {
      if (dim == 1) return 0;
      int64_t period = 2 * (dim - 1);
      int64_t r = (i < 0 ? -i : i) % period;
      return r < dim ? r : period - r;
    }
  }
  return -1;
}

}  // namespace

rt::Result<PadMode> ParsePadMode(std::string_view name) {
  if (name.empty() || name == "constant") return PadMode::kConstant;
  if (name == "reflect") return PadMode::kReflect;
  if (name == "edge") return PadMode::kEdge;
  if (name == "wrap") return PadMode::kWrap;
  return rt::Status::Error("pad: unknown mode '" + std::string(name) + "'");
}

rt::Result<Tensor> Pad(const Tensor& x, std::span<const int64_t> pads,
                       std::span<const int64_t> axes, PadMode mode, const Tensor* value) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "pad");
  if (!elem.ok()) return elem.status();
  int rank = x.rank();
  std::vector<int64_t> all_axes(axes.begin(), axes.end());
  if (all_axes.empty()) {
    for (int i = 0; i < rank; ++i) all_axes.push_back(i);
  }
  rt::Result<std::vector<int>> resolved = ResolveAxes(all_axes, rank, "pad");
  if (!resolved.ok()) return resolved.status();
  size_t n = resolved->size();
  if (pads.size() != 2 * n) {
    return rt::Status::Error("pad: " + std::to_string(pads.size()) + " pads for " +
                             std::to_string(n) + " axes (expected twice as many)");
  }
  std::vector<int64_t> begin(rank, 0);
  Shape out_shape = x.shape();
  for (size_t k = 0; k < n; ++k) {
    int axis = (*resolved)[k];
    begin[axis] = pads[k];
    out_shape[axis] = x.dim(axis) + pads[k] + pads[k + n];
    if (out_shape[axis] < 0) {
      return rt::Status::Error("pad: pads " + std::to_string(pads[k]) + ", " +
                               std::to_string(pads[k + n]) + " crop axis " + std::to_string(axis) +
                               " of " + ShapeString(x.shape()) + " below zero");
    }
    if (mode != PadMode::kConstant && x.dim(axis) == 0 && out_shape[axis] > 0) {
      return rt::Status::Error("pad: cannot pad the empty axis " + std::to_string(axis) +
                               " in a non-constant mode");
    }
  }
  if (value != nullptr && (value->dtype() != x.dtype() || value->num_elements() != 1)) {
    return rt::Status::Error("pad: the constant value must be one element of the data's type");
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out_shape);
  if (!y.ok() || y->num_elements() == 0) return y;

  // Per axis, the source index of every output index.
  std::vector<int64_t> in_strides = DenseStrides(x.shape());
  std::vector<std::vector<int64_t>> source(rank);
  for (int d = 0; d < rank; ++d) {
    for (int64_t o = 0; o < out_shape[d]; ++o) {
      source[d].push_back(SourceIndex(o, begin[d], x.dim(d), mode));
    }
  }
  std::vector<uint8_t> fill(static_cast<size_t>(*elem), 0);
  if (value != nullptr) std::memcpy(fill.data(), value->raw(), fill.size());

  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  std::vector<int64_t> pos(rank, 0);
  int64_t total = y->num_elements();
  for (int64_t k = 0; k < total; ++k) {
    int64_t offset = 0;
    bool inside = true;
    for (int d = 0; d < rank && inside; ++d) {
      int64_t s = source[d][pos[d]];
      inside = s >= 0;
      offset += s * in_strides[d];
    }
    std::memcpy(dst + k * *elem, inside ? src + offset * *elem : fill.data(),
                static_cast<size_t>(*elem));
    for (int d = rank - 1; d >= 0; --d) {
      if (++pos[d] < out_shape[d]) break;
      pos[d] = 0;
    }
  }
  return y;
}

}  // namespace kiln::ref
