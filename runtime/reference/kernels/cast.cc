#include "runtime/reference/kernels/cast.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "runtime/reference/kernels/fp16.h"

namespace kiln::ref {
namespace {

// Elements travel between the source and destination as double (floats; exact for every
// source float format) or int64_t (integers and bool).
template <DType D>
constexpr bool kFloatLane = rt::DTypeIsFloat(D);
template <DType D>
using Lane = std::conditional_t<kFloatLane<D>, double, int64_t>;

template <DType D>
Lane<D> Load(const void* data, int64_t i) {
  if constexpr (D == DType::kF32) {
    return static_cast<const float*>(data)[i];
  } else if constexpr (D == DType::kF16) {
    return HalfToFloat(static_cast<const uint16_t*>(data)[i]);
  } else if constexpr (D == DType::kBF16) {
    return BFloat16ToFloat(static_cast<const uint16_t*>(data)[i]);
  } else if constexpr (D == DType::kI4 || D == DType::kU4) {
    const uint8_t byte = static_cast<const uint8_t*>(data)[i / 2];
    const int nibble = (i % 2 == 0) ? (byte & 0xf) : (byte >> 4);
    if constexpr (D == DType::kI4) return nibble >= 8 ? nibble - 16 : nibble;
    return nibble;
  } else if constexpr (D == DType::kI8) {
    return static_cast<const int8_t*>(data)[i];
  } else if constexpr (D == DType::kU8 || D == DType::kBool) {
    return static_cast<const uint8_t*>(data)[i];
  } else if constexpr (D == DType::kI16) {
    return static_cast<const int16_t*>(data)[i];
  } else if constexpr (D == DType::kI32) {
    return static_cast<const int32_t*>(data)[i];
  } else if constexpr (D == DType::kF64) {
    return static_cast<const double*>(data)[i];
  } else if constexpr (D == DType::kU16) {
    return static_cast<const uint16_t*>(data)[i];
  } else if constexpr (D == DType::kU32) {
    return static_cast<const uint32_t*>(data)[i];
  } else if constexpr (D == DType::kU64) {
    // Values above 2^63 keep their bits but read as negative: the int64 lane's one limit.
    return static_cast<int64_t>(static_cast<const uint64_t*>(data)[i]);
  } else {
    static_assert(D == DType::kI64);
    return static_cast<const int64_t*>(data)[i];
  }
}

// Truncates toward zero, saturating at [lo, hi]; NaN gives 0.
int64_t TruncateSaturate(double v, int64_t lo, int64_t hi) {
  if (std::isnan(v)) return 0;
  if (v <= static_cast<double>(lo)) return lo;
  if (v >= static_cast<double>(hi)) return hi;
  return static_cast<int64_t>(v);  // in range, so well defined
}

template <typename T>
void StoreInteger(void* data, int64_t i, int64_t v) {
  // Conversion to a narrower unsigned type is modular; then reinterpret as T.
  using U = std::make_unsigned_t<T>;
  static_cast<T*>(data)[i] = static_cast<T>(static_cast<U>(v));
}

// The C++ type of an integer dtype stored one per element.
template <DType D>
struct IntegerOf;
template <>
struct IntegerOf<DType::kI8> {
  using type = int8_t;
};
template <>
struct IntegerOf<DType::kU8> {
  using type = uint8_t;
};
template <>
struct IntegerOf<DType::kI16> {
  using type = int16_t;
};
template <>
struct IntegerOf<DType::kU16> {
  using type = uint16_t;
};
template <>
struct IntegerOf<DType::kI32> {
  using type = int32_t;
};
template <>
struct IntegerOf<DType::kU32> {
  using type = uint32_t;
};
template <>
struct IntegerOf<DType::kI64> {
  using type = int64_t;
};
template <>
struct IntegerOf<DType::kU64> {
  using type = uint64_t;
};

template <DType D, typename L>
void Store(void* data, int64_t i, L v) {
  constexpr bool kFromFloat = std::is_same_v<L, double>;
  if constexpr (D == DType::kBool) {
    static_cast<uint8_t*>(data)[i] = v != 0 ? 1 : 0;
  } else if constexpr (D == DType::kF32) {
    static_cast<float*>(data)[i] = static_cast<float>(v);
  } else if constexpr (D == DType::kF64) {
    static_cast<double*>(data)[i] = static_cast<double>(v);
  } else if constexpr (D == DType::kF16) {
    static_cast<uint16_t*>(data)[i] = FloatToHalf(static_cast<float>(v));
  } else if constexpr (D == DType::kBF16) {
    static_cast<uint16_t*>(data)[i] = FloatToBFloat16(static_cast<float>(v));
  } else if constexpr (D == DType::kI4 || D == DType::kU4) {
    constexpr int64_t kLo = D == DType::kI4 ? -8 : 0;
    constexpr int64_t kHi = D == DType::kI4 ? 7 : 15;
    int64_t n;
    if constexpr (kFromFloat) {
      n = TruncateSaturate(v, kLo, kHi);
    } else {
      n = v < kLo ? kLo : (v > kHi ? kHi : v);
    }
    uint8_t& byte = static_cast<uint8_t*>(data)[i / 2];
    const uint8_t nibble = static_cast<uint8_t>(n & 0xf);
    byte = (i % 2 == 0) ? static_cast<uint8_t>((byte & 0xf0) | nibble)
                        : static_cast<uint8_t>((byte & 0x0f) | (nibble << 4));
  } else {
    using T = typename IntegerOf<D>::type;
    if constexpr (kFromFloat) {
      // u64's range is clamped to int64's, the lane's.
      constexpr int64_t kHi =
          std::numeric_limits<T>::max() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
              ? std::numeric_limits<int64_t>::max()
              : static_cast<int64_t>(std::numeric_limits<T>::max());
      static_cast<T*>(data)[i] =
          static_cast<T>(TruncateSaturate(v, std::numeric_limits<T>::min(), kHi));
    } else {
      StoreInteger<T>(data, i, v);
    }
  }
}

template <DType From, DType To>
void CastLoop(const void* in, void* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) Store<To>(out, i, Load<From>(in, i));
}

// Calls fn(std::integral_constant<DType, D>{}) for the runtime dtype `t`.
template <typename Fn>
void VisitDType(DType t, Fn&& fn) {
  switch (t) {
#define KILN_X(e, name, bits, is_float, is_signed) \
  case DType::e:                                   \
    fn(std::integral_constant<DType, DType::e>{}); \
    break;
    KILN_DTYPES(KILN_X)
#undef KILN_X
  }
}

}  // namespace

rt::Result<Tensor> Cast(const Tensor& x, DType to) {
  if (x.dtype() == to) return x;
  rt::Result<Tensor> y = Tensor::Zeros(to, x.shape());  // zeroed: i4/u4 stores read-modify-write
  if (!y.ok()) return y.status();
  const int64_t n = x.num_elements();
  VisitDType(x.dtype(), [&](auto from) {
    VisitDType(to, [&](auto into) { CastLoop<from(), into()>(x.raw(), y->mutable_raw(), n); });
  });
  return y;
}

DType WidenedDType(DType t) {
  switch (t) {
    case DType::kF16:
    case DType::kBF16:
      return DType::kF32;
    case DType::kI4:
      return DType::kI8;
    case DType::kU4:
      return DType::kU8;
    default:
      return t;
  }
}

rt::Result<Tensor> Widen(const Tensor& x) { return Cast(x, WidenedDType(x.dtype())); }

}  // namespace kiln::ref
