// The 2-D window geometry of an NHWC conv or pool (ONNX attributes: kernel_shape, strides,
// dilations, pads [top, left, bottom, right], auto_pad, ceil_mode), resolved to explicit pads and
// output sizes for XNNPACK. A ceil-mode max pool becomes extra bottom/right padding (XNNPACK
// pools the valid pixels of a window only, so the padding never wins).
//
//   rt::Result<Window> w = ReadWindow(ctx.attrs, /*height=*/224, /*width=*/224, kh, kw);
//   out_dims = {n, w->out_h, w->out_w, c};
#pragma once

#include <cstdint>

#include "runtime/core/op_attrs.h"
#include "runtime/core/result.h"

namespace kiln::edge {

struct Window {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t out_h = 0, out_w = 0;
  bool padded() const { return pad_top || pad_left || pad_bottom || pad_right; }
};

// `kernel_h`/`kernel_w` from the weight (conv) or kernel_shape (pools, when 0). An error for
// inconsistent attributes or an empty output.
rt::Result<Window> ReadWindow(const rt::OpAttrs& attrs, int64_t height, int64_t width,
                              int64_t kernel_h, int64_t kernel_w);

}  // namespace kiln::edge
