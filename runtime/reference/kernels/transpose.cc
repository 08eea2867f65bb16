#include "runtime/reference/kernels/transpose.h"

#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> Transpose(const Tensor& x, std::span<const int64_t> perm) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "transpose");
  if (!elem.ok()) return elem.status();
  int rank = x.rank();
  std::vector<int64_t> order(perm.begin(), perm.end());
  if (order.empty()) {
    for (int i = rank - 1; i >= 0; --i) order.push_back(i);
  }
  if (static_cast<int>(order.size()) != rank) {
    return rt::Status::Error("transpose: perm has " + std::to_string(order.size()) +
                             " entries for rank " + std::to_string(rank));
  }
  rt::Result<std::vector<int>> axes = ResolveAxes(order, rank, "transpose perm");
  if (!axes.ok()) return axes.status();
  std::vector<int64_t> in_strides = DenseStrides(x.shape());
  Shape out_shape(rank);
  std::vector<int64_t> src_strides(rank);
  for (int i = 0; i < rank; ++i) {
    out_shape[i] = x.dim((*axes)[i]);
    src_strides[i] = in_strides[(*axes)[i]];
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out_shape);
  if (!y.ok()) return y;
  CopyStrided(*elem, out_shape, x.raw(), src_strides, y->mutable_raw(), DenseStrides(out_shape));
  return y;
}

}  // namespace kiln::ref
