// Pad (ONNX): grows (or, with negative pads, crops) each axis by pads[begin] before and
// pads[end] after. Modes: constant (a fill value), reflect (mirror without repeating the edge),
// edge (repeat the edge), wrap (periodic, also for pads longer than the axis, where numpy.pad
// differs). Any byte-sized dtype.
//
//   // [2,3] -> [2,7]: one column before and three after, zero fill.
//   rt::Result<Tensor> y = Pad(x, std::vector<int64_t>{0, 1, 0, 3}, {}, PadMode::kConstant,
//   nullptr);
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class PadMode { kConstant, kReflect, kEdge, kWrap };

// "constant" (also ""), "reflect", "edge", "wrap".
rt::Result<PadMode> ParsePadMode(std::string_view name);

// `pads` is [begin_0, ..., begin_k, end_0, ..., end_k] for the axes listed in `axes` (negative
// ones count from the end), or for every axis when `axes` is empty. `value` is a one-element
// tensor of x's dtype, or null for zero; only constant mode reads it.
rt::Result<Tensor> Pad(const Tensor& x, std::span<const int64_t> pads,
                       std::span<const int64_t> axes, PadMode mode, const Tensor* value);

}  // namespace kiln::ref
