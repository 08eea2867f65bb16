// Sliding-window geometry shared by convolution and pooling: given the spatial sizes of an
// input and a window's kernel, strides, dilations, pads, auto_pad and ceil_mode (ONNX
// semantics), the output sizes and the resolved begin/end pads of every spatial dim.
// Geometry is normalized to three spatial dims (1-D and 2-D inputs get leading dims of
// size 1), so every kernel has one loop nest for 1-D, 2-D and 3-D.
//
//   WindowParams p{.kernel = {3, 3}, .strides = {2, 2}, .pads = {1, 1, 1, 1}};
//   rt::Result<WindowGeometry> g = ResolveWindow({224, 224}, p);
//   // g->out == {1, 112, 112}, g->spatial_rank == 2
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };

// "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID" in any case; "" is NOTSET.
rt::Result<AutoPad> ParseAutoPad(std::string_view text);

struct WindowParams {
  std::vector<int64_t> kernel = {};     // one per spatial dim
  std::vector<int64_t> strides = {};    // empty: all 1
  std::vector<int64_t> dilations = {};  // empty: all 1
  std::vector<int64_t> pads = {};       // [begin..., end...]; empty: all 0; ignored unless kNotSet
  AutoPad auto_pad = AutoPad::kNotSet;
  bool ceil_mode = false;
};

inline constexpr int kMaxSpatialDims = 3;

// Per spatial dim, normalized to kMaxSpatialDims with leading unit dims.
struct WindowGeometry {
  using Dims = std::array<int64_t, kMaxSpatialDims>;
  int spatial_rank = 0;  // the caller's number of spatial dims
  Dims in{1, 1, 1};
  Dims out{1, 1, 1};
  Dims kernel{1, 1, 1};
  Dims strides{1, 1, 1};
  Dims dilations{1, 1, 1};
  Dims pad_begin{0, 0, 0};
  Dims pad_end{0, 0, 0};

  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  // The output's spatial dims in the caller's rank.
  Shape out_shape() const { return Shape(out.end() - spatial_rank, out.end()); }
};

// Checks the attribute lengths and values and computes the output sizes. A window larger
// than the padded input is an error.
rt::Result<WindowGeometry> ResolveWindow(const Shape& in_spatial, const WindowParams& params);

// Expands the caller-rank geometry fields of `params` into the normalized layout without
// computing output sizes (conv_transpose resolves its own output sizes and pads).
rt::Result<WindowGeometry> NormalizeWindow(const Shape& in_spatial, const WindowParams& params);

}  // namespace kiln::ref
