#include "runtime/reference/kernels/concat.h"

#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> Concat(std::span<const Tensor> inputs, int64_t axis) {
  if (inputs.empty()) return rt::Status::Error("concat needs at least one input");
  const Tensor& first = inputs[0];
  rt::Result<int> elem = ElementBytes(first.dtype(), "concat");
  if (!elem.ok()) return elem.status();
  rt::Result<int> a = ResolveAxis(axis, first.rank(), "concat");
  if (!a.ok()) return a.status();
  Shape out_shape = first.shape();
  out_shape[*a] = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& t = inputs[k];
    bool same = t.dtype() == first.dtype() && t.rank() == first.rank();
    for (int i = 0; same && i < t.rank(); ++i) same = i == *a || t.dim(i) == first.dim(i);
    if (!same) {
      return rt::Status::Error("concat: input " + std::to_string(k) + " " +
                               std::string(rt::DTypeName(t.dtype())) + ShapeString(t.shape()) +
                               " does not match input 0 " +
                               std::string(rt::DTypeName(first.dtype())) +
                               ShapeString(first.shape()) + " outside axis " + std::to_string(*a));
    }
    out_shape[*a] += t.dim(*a);
  }
  rt::Result<Tensor> y = Tensor::Empty(first.dtype(), out_shape);
  if (!y.ok()) return y;
  std::vector<int64_t> out_strides = DenseStrides(out_shape);
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  int64_t offset = 0;  // along the axis
  for (const Tensor& t : inputs) {
    CopyStrided(*elem, t.shape(), t.raw(), DenseStrides(t.shape()),
                dst + offset * out_strides[*a] * *elem, out_strides);
    offset += t.dim(*a);
  }
  return y;
}

}  // namespace kiln::ref
