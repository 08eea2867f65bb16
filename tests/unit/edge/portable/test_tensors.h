// What the portable kernel tests share: random data, row-major index arithmetic for the naive
// reference loops (each walks every output index and finds its input by hand), and a
// closeness check with a relative tolerance.
//
//   std::vector<float> x = RandomFloats(Count(dims), /*seed=*/1);
//   std::vector<int64_t> index = Unravel(flat, dims);
//   EXPECT_TRUE(AllClose(got, want, /*rtol=*/1e-6, /*atol=*/1e-7));
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <sstream>
#include <vector>

namespace kiln::edge::portable::testing {

inline std::vector<float> RandomFloats(int64_t n, uint32_t seed, float lo = -1.0f,
                                       float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// Random bytes viewed as `T` (for the byte-moving kernels, which must copy bits exactly).
template <typename T>
std::vector<T> RandomBits(int64_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(rng());
  return v;
}

inline int64_t Count(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

inline std::vector<int64_t> Unravel(int64_t flat, const std::vector<int64_t>& dims) {
  std::vector<int64_t> index(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    index[i] = flat % dims[i];
    flat /= dims[i];
  }
  return index;
}

inline int64_t Ravel(const std::vector<int64_t>& index, const std::vector<int64_t>& dims) {
  int64_t flat = 0;
  for (size_t i = 0; i < dims.size(); ++i) flat = flat * dims[i] + index[i];
  return flat;
}

// Every |got - want| <= rtol * |want| + atol (NaN only where want is NaN, infinities
// exactly); the failure names the first element off.
inline ::testing::AssertionResult AllClose(std::span<const float> got, std::span<const double> want,
                                           double rtol, double atol) {
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure() << "size " << got.size() << " != " << want.size();
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = got[i], w = want[i];
    const bool ok = std::isnan(w)   ? std::isnan(g)
                    : std::isinf(w) ? g == w
                                    : std::fabs(g - w) <= rtol * std::fabs(w) + atol;
    if (!ok) {
      std::ostringstream s;
      s.precision(9);
      s << "element " << i << ": got " << g << ", want " << w << " (rtol " << rtol << ", atol "
        << atol << ")";
      return ::testing::AssertionFailure() << s.str();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace kiln::edge::portable::testing
