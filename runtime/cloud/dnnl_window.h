// The sliding window of a conv or pooling op (kernel, strides, dilations, pads, auto_pad,
// ceil_mode; ONNX semantics, resolved by runtime/reference/kernels/window.h) in oneDNN's terms:
// dilations counted from 0, and a right pad that makes oneDNN's floor formula give ONNX's output
// size (ceil_mode grows it).
//
//   rt::Result<DnnlWindow> w = ResolveDnnlWindow(attrs, {224, 224}, {3, 3}, false, where);
//   // w->out == {112, 112} for strides [2, 2], pads [1, 1, 1, 1]
//   dnnl::convolution_forward::desc(..., w->strides, w->dilations, w->pad_l, w->pad_r);
#pragma once

#include "runtime/cloud/dnnl_api.h"
#include "runtime/core/op_attrs.h"
#include "runtime/core/result.h"
#include "runtime/reference/kernels/window.h"

namespace kiln::cloud {

struct DnnlWindow {
  Dims out;                // output spatial dims
  memory::dims strides;    // one per spatial dim
  memory::dims dilations;  // oneDNN's: ONNX dilation - 1
  memory::dims pad_l;
  memory::dims pad_r;       // ONNX's end pad, or more under ceil_mode
  memory::dims onnx_pad_r;  // ONNX's end pad (what count_include_pad counts)
};

// Reads auto_pad, strides, dilations, pads (and ceil_mode when `pooling`) from `attrs`. Errors
// start with `where` (attribute errors name the op themselves).
rt::Result<DnnlWindow> ResolveDnnlWindow(const rt::OpAttrs& attrs, const Dims& in_spatial,
                                         const Dims& kernel, bool pooling, std::string_view where);

}  // namespace kiln::cloud
