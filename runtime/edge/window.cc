#include "runtime/edge/window.h"

#include <algorithm>
#include <string>
#include <vector>

namespace kiln::edge {
namespace {

// Output size of one dim, and the extra end padding a ceil-mode window needs.
int64_t OutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin,
                   int64_t pad_end, bool ceil_mode, int64_t* extra_end) {
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t padded = in + pad_begin + pad_end;
  *extra_end = 0;
  if (padded < span) return 0;
  int64_t out = (padded - span) / stride + 1;
  if (ceil_mode) {
    int64_t ceil_out = (padded - span + stride - 1) / stride + 1;
    // A ceil-mode window must start inside the input or its left padding (ONNX).
    if ((ceil_out - 1) * stride >= in + pad_begin) --ceil_out;
    *extra_end = (ceil_out - 1) * stride + span - padded;
    if (*extra_end < 0) *extra_end = 0;
    out = ceil_out;
  }
  return out;
}

}  // namespace

rt::Result<Window> ReadWindow(const rt::OpAttrs& attrs, int64_t height, int64_t width,
                              int64_t kernel_h, int64_t kernel_w) {
  Window w;
  if (kernel_h == 0) {
    rt::Result<std::vector<int64_t>> k = attrs.Ints("kernel_shape");
    if (!k.ok()) return k.status();
    if (k->size() != 2) return rt::Status::Error("kernel_shape must have 2 entries");
    kernel_h = (*k)[0];
    kernel_w = (*k)[1];
  }
  rt::Result<std::vector<int64_t>> strides = attrs.Ints("strides", {1, 1});
  rt::Result<std::vector<int64_t>> dilations = attrs.Ints("dilations", {1, 1});
  rt::Result<std::vector<int64_t>> pads = attrs.Ints("pads", {0, 0, 0, 0});
  rt::Result<std::string_view> auto_pad = attrs.String("auto_pad", "NOTSET");
  rt::Result<int64_t> ceil_mode = attrs.Int("ceil_mode", 0);
  for (const rt::Status* s : {&strides.status(), &dilations.status(), &pads.status(),
                              &auto_pad.status(), &ceil_mode.status()}) {
    if (!s->ok()) return *s;
  }
  if (strides->size() != 2 || dilations->size() != 2 || pads->size() != 4) {
    return rt::Status::Error("strides, dilations and pads must have 2, 2 and 4 entries");
  }
  w.kernel_h = kernel_h;
  w.kernel_w = kernel_w;
  w.stride_h = (*strides)[0];
  w.stride_w = (*strides)[1];
  w.dilation_h = (*dilations)[0];
  w.dilation_w = (*dilations)[1];
  if (w.kernel_h < 1 || w.kernel_w < 1 || w.stride_h < 1 || w.stride_w < 1 || w.dilation_h < 1 ||
      w.dilation_w < 1) {
    return rt::Status::Error("kernel, strides and dilations must be positive");
  }
  w.pad_top = (*pads)[0];
  w.pad_left = (*pads)[1];
  w.pad_bottom = (*pads)[2];
  w.pad_right = (*pads)[3];
  if (*auto_pad == "VALID") {
    w.pad_top = w.pad_left = w.pad_bottom = w.pad_right = 0;
  } else if (*auto_pad == "SAME_UPPER" || *auto_pad == "SAME_LOWER") {
    const bool upper = *auto_pad == "SAME_UPPER";
    auto same = [&](int64_t in, int64_t k, int64_t s, int64_t d, int64_t* begin, int64_t* end) {
      const int64_t out = (in + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + d * (k - 1) + 1 - in);
      *begin = upper ? total / 2 : total - total / 2;
      *end = total - *begin;
    };
    same(height, w.kernel_h, w.stride_h, w.dilation_h, &w.pad_top, &w.pad_bottom);
    same(width, w.kernel_w, w.stride_w, w.dilation_w, &w.pad_left, &w.pad_right);
  } else if (*auto_pad != "NOTSET") {
    return rt::Status::Error("unknown auto_pad '" + std::string(*auto_pad) + "'");
  }
  if (w.pad_top < 0 || w.pad_left < 0 || w.pad_bottom < 0 || w.pad_right < 0) {
    return rt::Status::Error("pads must not be negative");
  }
  int64_t extra_h = 0, extra_w = 0;
  w.out_h = OutputSize(height, w.kernel_h, w.stride_h, w.dilation_h, w.pad_top, w.pad_bottom,
                       *ceil_mode != 0, &extra_h);
  w.out_w = OutputSize(width, w.kernel_w, w.stride_w, w.dilation_w, w.pad_left, w.pad_right,
                       *ceil_mode != 0, &extra_w);
  w.pad_bottom += extra_h;
  w.pad_right += extra_w;
  if (w.out_h < 1 || w.out_w < 1) {
    return rt::Status::Error("the window is larger than the padded input");
  }
  return w;
}

}  // namespace kiln::edge
