#include "tests/conformance/tensor_compare.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>

namespace kiln::conformance {
namespace {

using rt::DType;

float HalfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  if (exp == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mant << 13));
  if (exp == 0) {  // zero or subnormal: mant * 2^-24
    float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

// Element i as a double, for every dtype (i4/u4 unpacked).
double Element(const ref::Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kF32:
      return t.data<float>()[i];
    case DType::kF16:
      return HalfToFloat(t.data<uint16_t>()[i]);
    case DType::kBF16:
      return std::bit_cast<float>(static_cast<uint32_t>(t.data<uint16_t>()[i]) << 16);
    case DType::kI8:
      return t.data<int8_t>()[i];
    case DType::kU8:
      return t.data<uint8_t>()[i];
    case DType::kI16:
      return t.data<int16_t>()[i];
    case DType::kI32:
      return t.data<int32_t>()[i];
    case DType::kI64:
      return static_cast<double>(t.data<int64_t>()[i]);
    case DType::kBool:
      return t.data<uint8_t>()[i] != 0;
    case DType::kF64:
      return t.data<double>()[i];
    case DType::kU16:
      return t.data<uint16_t>()[i];
    case DType::kU32:
      return t.data<uint32_t>()[i];
    case DType::kU64:
      return static_cast<double>(t.data<uint64_t>()[i]);
    case DType::kI4:
    case DType::kU4: {
      int v = (t.data<uint8_t>()[i / 2] >> (4 * (i % 2))) & 0xF;
      if (t.dtype() == DType::kI4 && v >= 8) v -= 16;
      return v;
    }
  }
  return 0;
}

bool Close(double a, double e, const Tolerance& tol) {
  if (std::isnan(e)) return std::isnan(a);
  if (std::isinf(e)) return a == e;
  return std::fabs(a - e) <= tol.atol + tol.rtol * std::fabs(e);
}

}  // namespace

std::string CompareTensors(const ref::Tensor& actual, const ref::Tensor& expected,
                           const Tolerance& tolerance) {
  if (actual.dtype() != expected.dtype()) {
    return "dtype " + std::string(rt::DTypeName(actual.dtype())) + ", expected " +
           std::string(rt::DTypeName(expected.dtype()));
  }
  if (actual.shape() != expected.shape()) {
    return "shape " + ref::ShapeString(actual.shape()) + ", expected " +
           ref::ShapeString(expected.shape());
  }
  bool exact = !rt::DTypeIsFloat(actual.dtype());
  int64_t n = expected.num_elements();
  int64_t bad = 0;
  std::optional<int64_t> first;
  double worst = 0;
  for (int64_t i = 0; i < n; ++i) {
    double a = Element(actual, i), e = Element(expected, i);
    bool ok = exact ? a == e : Close(a, e, tolerance);
    if (ok) continue;
    ++bad;
    if (!first) first = i;
    if (std::isfinite(a) && std::isfinite(e)) worst = std::max(worst, std::fabs(a - e));
  }
  if (bad == 0) return "";
  std::ostringstream why;
  why.precision(9);
  why << bad << " of " << n << " elements differ; first at flat index " << *first << ": got "
      << Element(actual, *first) << ", expected " << Element(expected, *first);
  if (!exact) why << "; max abs diff " << worst;
  return why.str();
}

}  // namespace kiln::conformance
