#include "runtime/reference/kernels/expand.h"

#include <algorithm>
#include <string>

#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> Expand(const Tensor& x, const Shape& shape) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "expand");
  if (!elem.ok()) return elem.status();
  int rank = std::max(x.rank(), static_cast<int>(shape.size()));
  Shape out_shape(rank);
  std::vector<int64_t> in_strides = DenseStrides(x.shape());
  std::vector<int64_t> src_strides(rank, 0);
  for (int i = 0; i < rank; ++i) {
    int xi = i - (rank - x.rank());
    int si = i - (rank - static_cast<int>(shape.size()));
    int64_t a = xi >= 0 ? x.dim(xi) : 1;
    int64_t b = si >= 0 ? shape[si] : 1;
    if (a != b && a != 1 && b != 1) {
      return rt::Status::Error("expand: cannot broadcast " + ShapeString(x.shape()) + " to " +
                               ShapeString(shape));
    }
    out_shape[i] = a == 1 ? b : a;
    if (xi >= 0 && a != 1) src_strides[i] = in_strides[xi];
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out_shape);
  if (!y.ok()) return y;
  CopyStrided(*elem, out_shape, x.raw(), src_strides, y->mutable_raw(), DenseStrides(out_shape));
  return y;
}

}  // namespace kiln::ref
