// im2col: unfolds one image (or one group of its channels) under a convolution window into a
// matrix with one row per kernel tap (channel, kd, kh, kw: the order of a conv weight's
// [C/g, K...] elements) and one column per output position. Padding taps read 0. The
// reference conv multiplies it by the weight; GPTQ (passes/quantize/layer_hessian.h) sums its
// column outer products into a layer Hessian.
//
//   rt::Result<WindowGeometry> g = ConvWindow(x.shape(), w.shape(), params);
//   std::vector<float> col(channels * g->kernel_size() * g->out_size());
//   Im2Col(x.data<float>(), channels, *g, col.data(), /*threads=*/1);
#pragma once

#include <cstdint>

#include "runtime/reference/kernels/window.h"

namespace kiln::ref {

// src: [channels, D0, D1, D2] (the normalized spatial dims of `g`); col: [channels *
// g.kernel_size(), g.out_size()] row-major.
void Im2Col(const float* src, int64_t channels, const WindowGeometry& g, float* col, int threads);

}  // namespace kiln::ref
