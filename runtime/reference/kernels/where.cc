#include "runtime/reference/kernels/where.h"

#include <cstdint>

#include "runtime/reference/kernels/broadcast.h"
#include "runtime/reference/kernels/cast.h"

namespace kiln::ref {
namespace {

// Elements are copied as opaque words of their size, so one instance serves every dtype of
// that width.
template <typename W>
void Select(const BroadcastLayout& layout, const Tensor& c, const Tensor& x, const Tensor& y,
            Tensor& out, int threads) {
  const uint8_t* pc = c.data<uint8_t>();
  const W* px = x.data<W>();
  const W* py = y.data<W>();
  W* po = out.mutable_data<W>();
  ForEachBroadcastRun(layout, threads, [&](const BroadcastRun& r) {
    const uint8_t* rc = pc + r.in[0];
    const W* rx = px + r.in[1];
    const W* ry = py + r.in[2];
    W* ro = po + r.out;
    const int64_t sc = r.step[0], sx = r.step[1], sy = r.step[2];
    for (int64_t i = 0; i < r.length; ++i) ro[i] = rc[i * sc] ? rx[i * sx] : ry[i * sy];
  });
}

}  // namespace

rt::Result<Tensor> Where(const Tensor& condition, const Tensor& x, const Tensor& y, int threads) {
  if (condition.dtype() != DType::kBool) {
    return rt::Status::Error("condition must be bool, got " +
                             std::string(rt::DTypeName(condition.dtype())));
  }
  if (x.dtype() != y.dtype()) {
    return rt::Status::Error("x is " + std::string(rt::DTypeName(x.dtype())) + " but y is " +
                             std::string(rt::DTypeName(y.dtype())));
  }
  if (rt::DTypeBits(x.dtype()) < 8) {  // packed nibbles: select on bytes, then repack
    rt::Result<Tensor> wx = Widen(x);
    if (!wx.ok()) return wx;
    rt::Result<Tensor> wy = Widen(y);
    if (!wy.ok()) return wy;
    rt::Result<Tensor> z = Where(condition, *wx, *wy, threads);
    if (!z.ok()) return z;
    return Cast(*z, x.dtype());
  }
  const Shape shapes[] = {condition.shape(), x.shape(), y.shape()};
  rt::Result<Shape> out_shape = BroadcastShapes(shapes);
  if (!out_shape.ok()) return out_shape.status();
  rt::Result<Tensor> out = Tensor::Empty(x.dtype(), *out_shape);
  if (!out.ok()) return out;
  const BroadcastLayout layout = MakeBroadcastLayout(*out_shape, shapes);
  switch (rt::DTypeBits(x.dtype())) {
    case 8:
      Select<uint8_t>(layout, condition, x, y, *out, threads);
      break;
    case 16:
      Select<uint16_t>(layout, condition, x, y, *out, threads);
      break;
    case 32:
      Select<uint32_t>(layout, condition, x, y, *out, threads);
      break;
    default:
      Select<uint64_t>(layout, condition, x, y, *out, threads);
      break;
  }
  return out;
}

}  // namespace kiln::ref
