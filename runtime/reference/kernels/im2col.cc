#include "runtime/reference/kernels/im2col.h"

#include <algorithm>

namespace kiln::ref {
namespace {

// The range [lo, hi) of output positions o for which o * stride - pad + offset lies in
// [0, size).
void ValidRange(int64_t size, int64_t stride, int64_t pad, int64_t offset, int64_t out, int64_t& lo,
                int64_t& hi) {
  const int64_t shift = pad - offset;  // need o * stride >= shift and o * stride < size + shift
  lo = shift <= 0 ? 0 : (shift + stride - 1) / stride;
  const int64_t end = size + shift;
  hi = end <= 0 ? 0 : (end + stride - 1) / stride;
  lo = std::min(lo, out);
  hi = std::clamp(hi, lo, out);
}

}  // namespace

void Im2Col(const float* src, int64_t channels, const WindowGeometry& g, float* col, int threads) {
  const int64_t ksize = g.kernel_size(), osize = g.out_size(), isize = g.in_size();
  const int64_t rows = channels * ksize;
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t c = row / ksize;
    const int64_t kd = row / (g.kernel[1] * g.kernel[2]) % g.kernel[0];
    const int64_t kh = row / g.kernel[2] % g.kernel[1];
    const int64_t kw = row % g.kernel[2];
    const float* plane = src + c * isize;
    float* dst = col + row * osize;
    int64_t w_lo, w_hi;
    ValidRange(g.in[2], g.strides[2], g.pad_begin[2], kw * g.dilations[2], g.out[2], w_lo, w_hi);
    for (int64_t od = 0; od < g.out[0]; ++od) {
      const int64_t id = od * g.strides[0] - g.pad_begin[0] + kd * g.dilations[0];
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        float* out_row = dst + (od * g.out[1] + oh) * g.out[2];
        const int64_t ih = oh * g.strides[1] - g.pad_begin[1] + kh * g.dilations[1];
        if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) {
          std::fill(out_row, out_row + g.out[2], 0.0f);
          continue;
        }
        const float* in_row = plane + (id * g.in[1] + ih) * g.in[2];
        std::fill(out_row, out_row + w_lo, 0.0f);
        const int64_t iw0 = w_lo * g.strides[2] - g.pad_begin[2] + kw * g.dilations[2];
        if (g.strides[2] == 1) {
          std::copy(in_row + iw0, in_row + iw0 + (w_hi - w_lo), out_row + w_lo);
        } else {
          for (int64_t ow = w_lo, iw = iw0; ow < w_hi; ++ow, iw += g.strides[2]) {
            out_row[ow] = in_row[iw];
          }
        }
        std::fill(out_row + w_hi, out_row + g.out[2], 0.0f);
      }
    }
  }
}

}  // namespace kiln::ref
