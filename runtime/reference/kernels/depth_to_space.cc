#include "runtime/reference/kernels/depth_to_space.h"

#include <string>

#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {
namespace {

// Reads `x` as the 6-d `view` (dense), permutes it by `perm` and returns it under `out_shape`.
rt::Result<Tensor> PermuteView(const Tensor& x, int elem, const Shape& view,
                               const std::vector<int>& perm, const Shape& out_shape) {
  std::vector<int64_t> view_strides = DenseStrides(view);
  Shape permuted(view.size());
  std::vector<int64_t> src_strides(view.size());
  for (size_t i = 0; i < view.size(); ++i) {
    permuted[i] = view[perm[i]];
    src_strides[i] = view_strides[perm[i]];
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out_shape);
  if (!y.ok()) return y;
  CopyStrided(elem, permuted, x.raw(), src_strides, y->mutable_raw(), DenseStrides(permuted));
  return y;
}

rt::Status CheckInput(const Tensor& x, int64_t blocksize, const char* what) {
  if (x.rank() != 4) {
    return rt::Status::Error(std::string(what) + " needs a 4-d NCHW input, got " +
                             ShapeString(x.shape()));
  }
  if (blocksize <= 0) {
    return rt::Status::Error(std::string(what) + ": blocksize " + std::to_string(blocksize) +
                             " is not positive");
  }
  return rt::Status::Ok();
}

}  // namespace

rt::Result<DepthToSpaceMode> ParseDepthToSpaceMode(std::string_view name) {
  if (name.empty() || name == "DCR") return DepthToSpaceMode::kDcr;
  if (name == "CRD") return DepthToSpaceMode::kCrd;
  return rt::Status::Error("depth_to_space: unknown mode '" + std::string(name) + "'");
}

rt::Result<Tensor> DepthToSpace(const Tensor& x, int64_t blocksize, DepthToSpaceMode mode) {
  if (rt::Status s = CheckInput(x, blocksize, "depth_to_space"); !s.ok()) return s;
  rt::Result<int> elem = ElementBytes(x.dtype(), "depth_to_space");
  if (!elem.ok()) return elem.status();
  int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3), b = blocksize;
  if (c % (b * b) != 0) {
    return rt::Status::Error("depth_to_space: " + std::to_string(c) +
                             " channels do not divide by blocksize^2 = " + std::to_string(b * b));
  }
  Shape out_shape = {n, c / (b * b), h * b, w * b};
  if (mode == DepthToSpaceMode::kDcr) {
    return PermuteView(x, *elem, {n, b, b, c / (b * b), h, w}, {0, 3, 4, 1, 5, 2}, out_shape);
  }
  return PermuteView(x, *elem, {n, c / (b * b), b, b, h, w}, {0, 1, 4, 2, 5, 3}, out_shape);
}

rt::Result<Tensor> SpaceToDepth(const Tensor& x, int64_t blocksize) {
  if (rt::Status s = CheckInput(x, blocksize, "space_to_depth"); !s.ok()) return s;
  rt::Result<int> elem = ElementBytes(x.dtype(), "space_to_depth");
  if (!elem.ok()) return elem.status();
  int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3), b = blocksize;
  if (h % b != 0 || w % b != 0) {
    return rt::Status::Error("space_to_depth: spatial dims " + ShapeString(x.shape()) +
                             " do not divide by blocksize " + std::to_string(b));
  }
  Shape out_shape = {n, c * b * b, h / b, w / b};
  return PermuteView(x, *elem, {n, c, h / b, b, w / b, b}, {0, 3, 5, 1, 2, 4}, out_shape);
}

}  // namespace kiln::ref
