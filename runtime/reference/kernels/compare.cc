#include "runtime/reference/kernels/compare.h"

#include "runtime/reference/kernels/cast.h"
#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/elementwise_loop.h"

namespace kiln::ref {
namespace {

std::string Name(DType t) { return std::string(rt::DTypeName(t)); }

template <typename T>
rt::Result<Tensor> ComparePlain(CompareOp op, const Tensor& a, const Tensor& b, int threads) {
  auto map = [&](auto f) { return MapBinary<T, T, uint8_t>(a, b, DType::kBool, threads, f); };
  switch (op) {
    case CompareOp::kEqual:
      return map([](T x, T y) { return static_cast<uint8_t>(x == y); });
    case CompareOp::kLess:
      return map([](T x, T y) { return static_cast<uint8_t>(x < y); });
    case CompareOp::kLessOrEqual:
      return map([](T x, T y) { return static_cast<uint8_t>(x <= y); });
    case CompareOp::kGreater:
      return map([](T x, T y) { return static_cast<uint8_t>(x > y); });
    case CompareOp::kGreaterOrEqual:
      return map([](T x, T y) { return static_cast<uint8_t>(x >= y); });
  }
  return rt::Status::Error("unknown comparison");
}

}  // namespace

rt::Result<Tensor> Compare(CompareOp op, const Tensor& a, const Tensor& b, int threads) {
  if (a.dtype() != b.dtype()) {
    return rt::Status::Error("compared operands are " + Name(a.dtype()) + " and " +
                             Name(b.dtype()));
  }
  if (!IsPlainDType(a.dtype())) {
    rt::Result<Tensor> wa = Widen(a);
    if (!wa.ok()) return wa;
    rt::Result<Tensor> wb = Widen(b);
    if (!wb.ok()) return wb;
    return Compare(op, *wa, *wb, threads);
  }
  return VisitPlainDType(
      a.dtype(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        // bool is stored as bytes 0/1; compare those.
        using C = std::conditional_t<std::is_same_v<T, bool>, uint8_t, T>;
        return ComparePlain<C>(op, a, b, threads);
      },
      []() -> rt::Result<Tensor> { return rt::Status::Error("unreachable"); });
}

rt::Result<Tensor> Logic(LogicOp op, const Tensor& a, const Tensor& b, int threads) {
  if (a.dtype() != DType::kBool || b.dtype() != DType::kBool) {
    return rt::Status::Error("logical operands must be bool, got " + Name(a.dtype()) + " and " +
                             Name(b.dtype()));
  }
  auto map = [&](auto f) {
    return MapBinary<uint8_t, uint8_t, uint8_t>(a, b, DType::kBool, threads, f);
  };
  switch (op) {
    case LogicOp::kAnd:
      return map([](uint8_t x, uint8_t y) { return static_cast<uint8_t>((x != 0) & (y != 0)); });
    case LogicOp::kOr:
      return map([](uint8_t x, uint8_t y) { return static_cast<uint8_t>((x != 0) | (y != 0)); });
    case LogicOp::kXor:
      return map([](uint8_t x, uint8_t y) { return static_cast<uint8_t>((x != 0) ^ (y != 0)); });
  }
  return rt::Status::Error("unknown logical op");
}

}  // namespace kiln::ref
