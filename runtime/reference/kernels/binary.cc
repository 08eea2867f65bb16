#include "runtime/reference/kernels/binary.h"

#include <cmath>
#include <type_traits>

#include "runtime/reference/kernels/broadcast.h"
#include "runtime/reference/kernels/cast.h"
#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/elementwise_loop.h"

namespace kiln::ref {
namespace {

std::string Name(DType t) { return std::string(rt::DTypeName(t)); }

// Unsigned arithmetic of T's width that does not promote to int (so it wraps, never UB).
template <typename T>
using Wrap = std::conditional_t<sizeof(T) < 4, uint32_t, std::make_unsigned_t<T>>;

template <typename T>
T IntDiv(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return static_cast<T>(Wrap<T>{0} - static_cast<Wrap<T>>(a));
  }
  return static_cast<T>(a / b);
}

// C remainder (sign of a); 0 for b == 0.
template <typename T>
T IntFMod(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return 0;
  }
  return static_cast<T>(a % b);
}

// Python remainder (sign of b).
template <typename T>
T IntMod(T a, T b) {
  T r = IntFMod(a, b);
  if constexpr (std::is_signed_v<T>) {
    if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
  }
  return r;
}

// Exact integer power modulo 2^bits, by squaring; negative exponents truncate 1/a^-e.
template <typename T>
T IntPow(T a, T e) {
  if constexpr (std::is_signed_v<T>) {
    if (e < 0) {
      if (a == 1) return 1;
      if (a == -1) return (e % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  using W = Wrap<T>;
  W result = 1;
  W base = static_cast<W>(a);
  for (auto n = static_cast<std::make_unsigned_t<T>>(e); n != 0; n >>= 1) {
    if (n & 1) result = static_cast<W>(result * base);
    base = static_cast<W>(base * base);
  }
  return static_cast<T>(result);
}

// Shifts by a negative amount or by at least the width shift everything out.
template <typename T>
bool ShiftsOut(T n) {
  if constexpr (std::is_signed_v<T>) {
    if (n < 0) return true;
  }
  return n >= static_cast<T>(sizeof(T) * 8);
}

template <typename T>
T ShiftLeft(T a, T n) {
  if (ShiftsOut(n)) return 0;
  return static_cast<T>(static_cast<Wrap<T>>(a) << n);
}

template <typename T>
T ShiftRight(T a, T n) {
  if (ShiftsOut(n)) {
    if constexpr (std::is_signed_v<T>) {
      if (a < 0) return -1;
    }
    return 0;
  }
  return static_cast<T>(a >> n);
}

template <typename T>
T FloatMod(T a, T b) {
  T r = std::fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

template <typename T>
rt::Result<Tensor> BinaryPlain(BinaryOp op, const Tensor& a, const Tensor& b, int threads) {
  auto map = [&](auto f) { return MapBinary<T, T, T>(a, b, a.dtype(), threads, f); };
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case BinaryOp::kAdd:
        return map([](T x, T y) { return x + y; });
      case BinaryOp::kSub:
        return map([](T x, T y) { return x - y; });
      case BinaryOp::kMul:
        return map([](T x, T y) { return x * y; });
      case BinaryOp::kDiv:
        return map([](T x, T y) { return x / y; });
      case BinaryOp::kPow:
        return map([](T x, T y) { return std::pow(x, y); });
      case BinaryOp::kMod:
        return map([](T x, T y) { return FloatMod<T>(x, y); });
      case BinaryOp::kFMod:
        return map([](T x, T y) { return std::fmod(x, y); });
      // NaN propagates, as in numpy's minimum/maximum.
      case BinaryOp::kMin:
        return map([](T x, T y) { return (x < y || std::isnan(x)) ? x : y; });
      case BinaryOp::kMax:
        return map([](T x, T y) { return (x > y || std::isnan(x)) ? x : y; });
      case BinaryOp::kPRelu:
      case BinaryOp::kShiftLeft:
      case BinaryOp::kShiftRight:
        break;
    }
  } else if constexpr (!std::is_same_v<T, bool>) {
    using W = Wrap<T>;
    switch (op) {
      case BinaryOp::kAdd:
        return map([](T x, T y) { return static_cast<T>(static_cast<W>(x) + static_cast<W>(y)); });
      case BinaryOp::kSub:
        return map([](T x, T y) { return static_cast<T>(static_cast<W>(x) - static_cast<W>(y)); });
      case BinaryOp::kMul:
        return map([](T x, T y) { return static_cast<T>(static_cast<W>(x) * static_cast<W>(y)); });
      case BinaryOp::kDiv:
        return map([](T x, T y) { return IntDiv(x, y); });
      case BinaryOp::kPow:
        return map([](T x, T y) { return IntPow(x, y); });
      case BinaryOp::kMod:
        return map([](T x, T y) { return IntMod(x, y); });
      case BinaryOp::kFMod:
        return map([](T x, T y) { return IntFMod(x, y); });
      case BinaryOp::kMin:
        return map([](T x, T y) { return y < x ? y : x; });
      case BinaryOp::kMax:
        return map([](T x, T y) { return x < y ? y : x; });
      case BinaryOp::kShiftLeft:
        return map([](T x, T y) { return ShiftLeft(x, y); });
      case BinaryOp::kShiftRight:
        return map([](T x, T y) { return ShiftRight(x, y); });
      case BinaryOp::kPRelu:
        break;
    }
  }
  return rt::Status::Error(std::string(BinaryOpName(op)) + " is not defined for " +
                           Name(a.dtype()));
}

template <typename T>
rt::Result<Tensor> PReluPlain(const Tensor& x, const Tensor& slope, int threads) {
  auto f = [](T v, T s) {
    if constexpr (std::is_floating_point_v<T>) {
      return v < 0 ? v * s : v;
    } else {
      return v < 0 ? static_cast<T>(static_cast<Wrap<T>>(v) * static_cast<Wrap<T>>(s)) : v;
    }
  };
  return MapBinaryInto<T, T, T>(x, slope, x.shape(), x.dtype(), threads, f);
}

// Computes in the widened dtype of a (and b) and casts the result back to a's dtype.
rt::Result<Tensor> BinaryWidened(BinaryOp op, const Tensor& a, const Tensor& b, DType compute,
                                 int threads) {
  rt::Result<Tensor> wa = Cast(a, compute);
  if (!wa.ok()) return wa;
  rt::Result<Tensor> wb = Cast(b, compute);
  if (!wb.ok()) return wb;
  rt::Result<Tensor> y = Binary(op, *wa, *wb, threads);
  if (!y.ok()) return y;
  return Cast(*y, a.dtype());
}

}  // namespace

std::string_view BinaryOpName(BinaryOp op) {
  switch (op) {
#define KILN_X(e, name) \
  case BinaryOp::e:     \
    return name;
    KILN_BINARY_OPS(KILN_X)
#undef KILN_X
  }
  return "?";
}

rt::Result<Tensor> Binary(BinaryOp op, const Tensor& a, const Tensor& b, int threads) {
  if (a.dtype() != b.dtype()) {
    if (op != BinaryOp::kPow) {
      return rt::Status::Error("operands of " + std::string(BinaryOpName(op)) + " are " +
                               Name(a.dtype()) + " and " + Name(b.dtype()));
    }
    // A float on either side computes in f32; two integer types in i64.
    const bool any_float = rt::DTypeIsFloat(a.dtype()) || rt::DTypeIsFloat(b.dtype());
    if (a.dtype() == DType::kBool || b.dtype() == DType::kBool) {
      return rt::Status::Error("pow is not defined for bool");
    }
    return BinaryWidened(op, a, b, any_float ? DType::kF32 : DType::kI64, threads);
  }
  if (op == BinaryOp::kPRelu) {
    if (rt::Status s = CheckBroadcastsTo(b.shape(), a.shape()); !s.ok()) {
      return rt::Status::Error("slope: " + s.message());
    }
  }
  if (!IsPlainDType(a.dtype())) {
    return BinaryWidened(op, a, b, WidenedDType(a.dtype()), threads);
  }
  return VisitPlainDType(
      a.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if (op == BinaryOp::kPRelu) {
          if constexpr (std::is_same_v<T, bool>) {
            return rt::Status::Error("prelu is not defined for bool");
          } else {
            return PReluPlain<T>(a, b, threads);
          }
        }
        return BinaryPlain<T>(op, a, b, threads);
      },
      []() -> rt::Result<Tensor> { return rt::Status::Error("unreachable"); });
}

}  // namespace kiln::ref
