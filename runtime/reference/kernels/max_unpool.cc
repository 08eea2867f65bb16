#include "runtime/reference/kernels/max_unpool.h"

#include <cstring>
#include <string>

#include "runtime/reference/kernels/int64_values.h"

namespace kiln::ref {

rt::Result<Shape> MaxUnpoolOutputShape(const Shape& x_shape, const MaxUnpoolParams& p) {
  const size_t spatial = x_shape.size() < 2 ? 0 : x_shape.size() - 2;
  if (spatial == 0 || p.kernel_shape.size() != spatial) {
    return rt::Status::Error("max_unpool: X " + ShapeString(x_shape) + " and kernel_shape of " +
                             std::to_string(p.kernel_shape.size()) + " dims do not match");
  }
  if ((!p.pads.empty() && p.pads.size() != 2 * spatial) ||
      (!p.strides.empty() && p.strides.size() != spatial)) {
    return rt::Status::Error("max_unpool: pads or strides have the wrong length");
  }
  Shape out = x_shape;
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t stride = p.strides.empty() ? 1 : p.strides[i];
    const int64_t pads = p.pads.empty() ? 0 : p.pads[i] + p.pads[spatial + i];
    out[2 + i] = (x_shape[2 + i] - 1) * stride + p.kernel_shape[i] - pads;
    if (out[2 + i] < 0) return rt::Status::Error("max_unpool: negative output dim");
  }
  return out;
}

rt::Result<Tensor> MaxUnpool(const Tensor& x, const Tensor& indices, const Shape* output_shape,
                             const MaxUnpoolParams& p) {
  if (indices.shape() != x.shape()) {
    return rt::Status::Error("max_unpool: indices " + ShapeString(indices.shape()) +
                             " must have X's shape " + ShapeString(x.shape()));
  }
  if (x.dtype() == DType::kI4 || x.dtype() == DType::kU4) {
    return rt::Status::Error("max_unpool: unsupported dtype " +
                             std::string(rt::DTypeName(x.dtype())));
  }
  rt::Result<Shape> inferred = MaxUnpoolOutputShape(x.shape(), p);
  if (!inferred.ok()) return inferred.status();
  // The indices address the default-shaped output; a larger output_shape holds it at its
  // origin, zero beyond (as ONNX's reference implementation does).
  Shape shape = *inferred;
  if (output_shape != nullptr) {
    bool fits = output_shape->size() == shape.size();
    for (size_t i = 0; fits && i < shape.size(); ++i) fits = (*output_shape)[i] >= shape[i];
    if (!fits) {
      return rt::Status::Error("max_unpool: output_shape " + ShapeString(*output_shape) +
                               " must have X's rank and hold the unpooled shape " +
                               ShapeString(shape));
    }
    shape = *output_shape;
  }
  rt::Result<std::vector<int64_t>> where = ReadInt64Values(indices, "max_unpool indices");
  if (!where.ok()) return where.status();
  rt::Result<Tensor> y = Tensor::Zeros(x.dtype(), shape);
  if (!y.ok()) return y.status();
  const int64_t total = NumElements(*inferred);
  const int64_t size = rt::DTypeStorageBytes(x.dtype(), 1);
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(y->mutable_raw());
  for (int64_t i = 0; i < static_cast<int64_t>(where->size()); ++i) {
    const int64_t at = (*where)[i];
    if (at < 0 || at >= total) {
      return rt::Status::Error("max_unpool: index " + std::to_string(at) + " is outside [0, " +
                               std::to_string(total) + ")");
    }
    // The same coordinates in the (possibly larger) output.
    int64_t rest = at, offset = 0, stride = 1;
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      offset += (rest % (*inferred)[d]) * stride;
      rest /= (*inferred)[d];
      stride *= shape[d];
    }
    std::memcpy(dst + offset * size, src + i * size, size);
  }
  return std::move(*y);
}

}  // namespace kiln::ref
