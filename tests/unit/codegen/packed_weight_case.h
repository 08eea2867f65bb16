// Weight-only quantized graphs in the form passes/quantize/weight_only.h writes, as .kir text, for
// the targets' packed-constant tests (tests/unit/cloud/packed_weight_model_test.cc,
// tests/unit/edge/int8/packed_weight_model_test.cc): one conv, matmul or gemm whose weight is
// `dequantize(@wq)` of random i4/u4/i8/u8 codes (per tensor, per axis or per block, with or
// without zero points), and the check that a target's float result matches the reference
// runtime's run of the same graph: max |got - want| <= 1e-5 * max |want|.
//
//   std::string kir = PackedWeightKir({.name = "conv i4 blocks", .op = "conv"}, /*seed=*/7);
//   ExpectRelativeErrorAtMost(got, want, 1e-5);
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace kiln::testing {

struct PackedWeightCase {
  std::string name = "";
  // "conv" (NCHW weight [m, c, k, k], or NHWC [m, k, k, c]), "matmul" (x[n, c] times [c, m]) or
  // "gemm" (x[n, c] times the transpose of [m, c], plus a bias).
  std::string op = "conv";
  std::string layout = "NCHW";  // conv only
  std::string codes = "i4";     // i4, u4, i8, u8
  int axis = 1;                 // -1: per tensor
  int block_size = 32;          // 0: per axis
  bool zero_points = false;
  int64_t n = 1, c = 64, h = 6, w = 6, m = 8, k = 3;
};

namespace packed_detail {

inline std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

inline std::string Dims(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

}  // namespace packed_detail

// The weight's shape for `t`.
inline std::vector<int64_t> PackedWeightShape(const PackedWeightCase& t) {
  if (t.op == "matmul") return {t.c, t.m};
  if (t.op == "gemm") return {t.m, t.c};
  return t.layout == "NHWC" ? std::vector<int64_t>{t.m, t.k, t.k, t.c}
                            : std::vector<int64_t>{t.m, t.c, t.k, t.k};
}

// The input's shape for `t`.
inline std::vector<int64_t> PackedWeightInputShape(const PackedWeightCase& t) {
  if (t.op != "conv") return {t.n, t.c};
  return t.layout == "NHWC" ? std::vector<int64_t>{t.n, t.h, t.w, t.c}
                            : std::vector<int64_t>{t.n, t.c, t.h, t.w};
}

inline std::string PackedWeightKir(const PackedWeightCase& t, uint32_t seed) {
  using packed_detail::Dims;
  using packed_detail::Fmt;
  std::mt19937 rng(seed);
  const std::vector<int64_t> w_shape = PackedWeightShape(t);
  int64_t count = 1;
  for (int64_t d : w_shape) count *= d;
  int64_t num_scales = 1;
  if (t.axis >= 0) {
    num_scales = t.block_size > 0 ? 1 : w_shape[t.axis];
    for (size_t d = 0; t.block_size > 0 && d < w_shape.size(); ++d) {
      num_scales *= static_cast<int>(d) == t.axis ? (w_shape[d] + t.block_size - 1) / t.block_size
                                                  : w_shape[d];
    }
  }
  const bool four = t.codes == "i4" || t.codes == "u4";
  const bool is_signed = t.codes == "i4" || t.codes == "i8";
  const int lo = is_signed ? (four ? -8 : -128) : 0, hi = lo + (four ? 15 : 255);
  std::uniform_int_distribution<int> code(lo, hi);
  // Scales near max|w| / qmax of weights around 0.1, so the outputs are of order one.
  std::uniform_real_distribution<float> scale(four ? 0.01f : 0.0005f, four ? 0.03f : 0.0015f);
  std::string scales, zero_points;
  for (int64_t s = 0; s < num_scales; ++s) {
    scales += (s ? "," : "") + Fmt(scale(rng));
    zero_points += (s ? "," : "") + std::to_string(code(rng) / 4 + (is_signed ? 0 : hi / 2));
  }
  std::string quant = t.axis < 0 ? "per_tensor scale=" + scales
                      : t.block_size == 0
                          ? "per_axis axis=" + std::to_string(t.axis) + " scales=[" + scales + "]"
                          : "per_block axis=" + std::to_string(t.axis) +
                                " block_size=" + std::to_string(t.block_size) + " scales=[" +
                                scales + "]";
  if (t.zero_points) {
    quant += t.axis < 0 ? " zero_point=" + zero_points : " zero_points=[" + zero_points + "]";
  }
  // Codes in Kiln's encoding: 4 bits two per byte, low nibble first.
  std::vector<uint8_t> bytes(static_cast<size_t>(four ? (count + 1) / 2 : count), 0);
  for (int64_t i = 0; i < count; ++i) {
    const auto q = static_cast<uint8_t>(code(rng));
    if (four) {
      bytes[i / 2] |= static_cast<uint8_t>((q & 0x0f) << (i % 2 * 4));
    } else {
      bytes[i] = q;
    }
  }
  std::string hex = "0x";
  for (uint8_t b : bytes) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  std::uniform_real_distribution<float> bias(-1.0f, 1.0f);
  std::string b = "[";
  for (int64_t i = 0; i < t.m; ++i) b += (i ? ", " : "") + Fmt(bias(rng));
  b += "]";

  const std::vector<int64_t> x_shape = PackedWeightInputShape(t);
  std::vector<int64_t> y_shape = {t.n, t.m};
  if (t.op == "conv") {
    y_shape = t.layout == "NHWC" ? std::vector<int64_t>{t.n, t.h, t.w, t.m}
                                 : std::vector<int64_t>{t.n, t.m, t.h, t.w};
  }
  std::string kir = "graph @g(%x: f32" + Dims(x_shape) + ") -> (f32" + Dims(y_shape) + ") {\n";
  kir += "  %wq = const @wq : " + t.codes + "<" + quant + ">" + Dims(w_shape) + "\n";
  kir += "  %w = dequantize(%wq) : f32" + Dims(w_shape) + "\n";
  if (t.op != "matmul") kir += "  %b = const @b : f32[" + std::to_string(t.m) + "]\n";
  if (t.op == "conv") {
    const std::string p = std::to_string(t.k / 2);
    kir += "  %y = conv(%x, %w, %b) {kernel_shape=[" + std::to_string(t.k) + "," +
           std::to_string(t.k) + "], " + (t.layout == "NHWC" ? "layout=\"NHWC\", " : "") +
           "pads=[" + p + "," + p + "," + p + "," + p + "]} : f32" + Dims(y_shape) + "\n";
  } else if (t.op == "matmul") {
    kir += "  %y = matmul(%x, %w) : f32" + Dims(y_shape) + "\n";
  } else {
    kir += "  %y = gemm(%x, %w, %b) {trans_b=1} : f32" + Dims(y_shape) + "\n";
  }
  kir += "  return %y\n}\nconstants {\n  @wq = " + hex + "\n";
  if (t.op != "matmul") kir += "  @b = " + b + "\n";
  return kir + "}\n";
}

// max |got - want| <= tolerance * max |want|, over `count` floats, and the result is not all zero.
inline void ExpectRelativeErrorAtMost(const float* got, const float* want, int64_t count,
                                      double tolerance) {
  double max_err = 0, max_want = 0;
  for (int64_t i = 0; i < count; ++i) {
    max_err = std::max(max_err, std::abs(static_cast<double>(got[i]) - want[i]));
    max_want = std::max(max_want, std::abs(static_cast<double>(want[i])));
  }
  EXPECT_GT(max_want, 0.0);
  EXPECT_LE(max_err, tolerance * max_want)
      << "max error " << max_err << ", max |reference| " << max_want;
}

}  // namespace kiln::testing
