// One conv in the QDQ form the quantizer writes (docs/quantization.md), as .kir text, for the
// targets' int8 tests (tests/unit/cloud/int8_model_test.cc, tests/unit/edge/int8/): the input
// quantized to `x_scalar` and back, i8 weights per output channel, an i32 bias of scale
// s_x * s_w[c], the conv (with `attrs`), optionally a residual add (of the conv's float result,
// or of its quantized form as in mobilenet) and a max pool, and, unless
// `y_scalar` is f32, a quantize of the result. And the check that compiled int8 codes match the
// reference runtime's simulation within one quantization step.
//
//   std::string kir = QdqConvKir({.name = "1x1", .k = 1, .x_scalar = "i8"}, /*seed=*/7);
//   ExpectCodesWithinOneStep(got, want);
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::testing {

struct QdqConvCase {
  std::string name = "";
  int64_t n = 1, c = 8, h = 6, w = 6, m = 16, k = 3, group = 1;
  std::string attrs = "";       // besides kernel_shape
  std::string x_scalar = "u8";  // u8 or i8
  float s_x = 0.02f;
  int x_zero_point = 0;
  std::string y_scalar = "u8";  // u8, i8 or f32
  float s_y = 0.05f;
  int y_zero_point = 0;
  bool residual = false;                  // add(conv, dequantize(r)) of a second input
  std::string r_scalar = "u8";            // r's quantized type (scale 0.03, zero point 0)
  bool quantize_before_add = false;       // add(dequantize(quantize(conv)), ...): mobilenet's
  std::string activation_after_add = "";  // relu after that add
  bool max_pool_after = false;            // a 2x2 stride-2 max pool before the final quantize
};

namespace qdq_detail {

// "[a, b, c]" of `n` values drawn by `draw`.
template <typename Draw>
std::string List(int64_t n, Draw draw) {
  std::string s = "[";
  for (int64_t i = 0; i < n; ++i) s += (i ? ", " : "") + draw(i);
  return s + "]";
}

inline std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

inline std::string Shape(int64_t a, int64_t b, int64_t c, int64_t d) {
  return "[" + std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(c) + "," +
         std::to_string(d) + "]";
}

inline std::string PerTensor(const std::string& scalar, float scale, int zero_point) {
  return scalar + "<per_tensor scale=" + Fmt(scale) +
         (zero_point != 0 ? " zero_point=" + std::to_string(zero_point) : std::string()) + ">";
}

}  // namespace qdq_detail

inline std::string QdqConvKir(const QdqConvCase& t, uint32_t seed) {
  using qdq_detail::Fmt;
  using qdq_detail::List;
  using qdq_detail::Shape;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> weight(-127, 127), bias(-3000, 3000);
  std::uniform_real_distribution<float> scale(0.002f, 0.02f);
  const int64_t oh = t.h, ow = t.w;  // every case pads to keep the size
  const std::string x_shape = Shape(t.n, t.c, t.h, t.w);
  const std::string y_shape = Shape(t.n, t.m, oh, ow);
  const int64_t ph = t.max_pool_after ? oh / 2 : oh, pw = t.max_pool_after ? ow / 2 : ow;
  const std::string out_shape = Shape(t.n, t.m, ph, pw);
  const std::string w_shape = Shape(t.m, t.c / t.group, t.k, t.k);
  std::vector<float> s_w(static_cast<size_t>(t.m));
  for (float& s : s_w) s = scale(rng);
  const std::string w_scales = List(t.m, [&](int64_t i) { return Fmt(s_w[i]); });
  const std::string b_scales = List(t.m, [&](int64_t i) { return Fmt(t.s_x * s_w[i]); });
  const std::string xq = qdq_detail::PerTensor(t.x_scalar, t.s_x, t.x_zero_point);
  const bool y_quantized = t.y_scalar != "f32";
  const std::string yq = qdq_detail::PerTensor(t.y_scalar, t.s_y, t.y_zero_point);
  const std::string rq = t.r_scalar + "<per_tensor scale=0.03>";
  std::string kir = "graph @g(%x: f32" + x_shape;
  if (t.residual) kir += ", %r: f32" + y_shape;
  kir += ") -> (" + (y_quantized ? yq : std::string("f32")) + out_shape + ") {\n";
  kir += "  %xq = quantize(%x) : " + xq + x_shape + "\n";
  kir += "  %xd = dequantize(%xq) : f32" + x_shape + "\n";
  kir += "  %w = const @w : i8<per_axis axis=0 scales=" + w_scales + ">" + w_shape + "\n";
  kir += "  %wd = dequantize(%w) : f32" + w_shape + "\n";
  kir += "  %b = const @b : i32<per_axis axis=0 scales=" + b_scales + ">[" + std::to_string(t.m) +
         "]\n";
  kir += "  %bd = dequantize(%b) : f32[" + std::to_string(t.m) + "]\n";
  if (t.residual) {  // before the conv, as fuse-residual-add needs
    kir += "  %rq = quantize(%r) : " + rq + y_shape + "\n";
    kir += "  %rd = dequantize(%rq) : f32" + y_shape + "\n";
  }
  const std::string pads = std::to_string(t.k / 2);
  kir += "  %y = conv(%xd, %wd, %bd) {" + t.attrs + (t.attrs.empty() ? "" : ", ") +
         "group=" + std::to_string(t.group) + ", kernel_shape=[" + std::to_string(t.k) + "," +
         std::to_string(t.k) + "], pads=[" + pads + "," + pads + "," + pads + "," + pads +
         "]} : f32" + y_shape + "\n";
  std::string last = "%y";
  if (t.residual) {
    std::string conv_result = "%y";
    if (t.quantize_before_add) {  // the conv's own grid: the result's, at a different scale
      const std::string cq = qdq_detail::PerTensor(t.y_scalar, t.s_y * 0.8f, t.y_zero_point);
      kir += "  %yq = quantize(%y) : " + cq + y_shape + "\n";
      kir += "  %yd = dequantize(%yq) : f32" + y_shape + "\n";
      conv_result = "%yd";
    }
    kir += "  %s = add(" + conv_result + ", %rd) : f32" + y_shape + "\n";
    last = "%s";
    if (!t.activation_after_add.empty()) {
      kir += "  %a = " + t.activation_after_add + "(%s) : f32" + y_shape + "\n";
      last = "%a";
    }
  }
  if (t.max_pool_after) {
    kir += "  %p = max_pool(" + last + ") {kernel_shape=[2,2], strides=[2,2]} : f32" + out_shape +
           "\n";
    last = "%p";
  }
  if (y_quantized) {
    kir += "  %out = quantize(" + last + ") : " + yq + out_shape + "\n";
    last = "%out";
  }
  kir += "  return " + last + "\n}\nconstants {\n";
  kir += "  @w = " +
         List(t.m * (t.c / t.group) * t.k * t.k,
              [&](int64_t) { return std::to_string(weight(rng)); }) +
         "\n";
  kir += "  @b = " + List(t.m, [&](int64_t) { return std::to_string(bias(rng)); }) + "\n}\n";
  return kir;
}

// `got` (a target's int8 result) against `want` (the reference simulation), both u8 or i8 of
// one shape: every code within one step, at most 1% of codes differ (rounding ties), and the
// case exercises the range (no code, such as the zero point after a relu, makes up 3/4 of them).
inline void ExpectCodesWithinOneStep(const void* got, const ref::Tensor& want) {
  const int64_t count = want.num_elements();
  const bool u8 = want.dtype() == rt::DType::kU8;
  const auto code = [&](const void* p, int64_t i) {
    return u8 ? static_cast<const uint8_t*>(p)[i] : static_cast<const int8_t*>(p)[i];
  };
  int max_diff = 0, differing = 0;
  std::vector<int> histogram(256, 0);
  for (int64_t i = 0; i < count; ++i) {
    const int x = code(got, i), y = code(want.raw(), i);
    max_diff = std::max(max_diff, std::abs(x - y));
    differing += x != y;
    ++histogram[static_cast<size_t>(y + (u8 ? 0 : 128))];
  }
  EXPECT_LE(max_diff, 1) << differing << " of " << count << " codes differ";
  EXPECT_LE(differing, count / 100 + 1) << "codes differing by one";
  const int most_common = *std::max_element(histogram.begin(), histogram.end());
  EXPECT_LT(most_common, count * 3 / 4) << "the case does not exercise the range";
}

}  // namespace kiln::testing
