// The memory layout of the activations of conv and pooling ops: the `layout` attribute of conv,
// conv_transpose, max_pool, average_pool, global_average_pool and global_max_pool
// (ir/ops.def). "NCHW", or the attribute absent, is ONNX's meaning; "NHWC" puts channels last
// (input [N, H, W, C], result [N, H_out, W_out, C_out]; rank 4 only), the layout XNNPACK
// wants. An NHWC conv also takes its weight in XNNPACK's layout: [C_out, k_h, k_w, C_in/group]
// (OHWI), or [1, k_h, k_w, C_out] for a depthwise conv (group > 1 and C_in/group == 1).
//
//   if (Expected<Layout> l = GetLayout(op); l && *l == Layout::kNhwc) ...
//   SetLayout(*conv, Layout::kNhwc);                 // layout="NHWC"
//   NhwcWeightForm f = NhwcConvWeightForm(group, w_dim0);   // kDepthwise when w is [1,kh,kw,O]
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ir/op.h"
#include "ir/status.h"

namespace kiln::ir {

enum class Layout : uint8_t { kNchw, kNhwc };

// True for the op kinds that take a `layout` attribute.
bool HasLayoutAttr(OpKind kind);

std::string_view LayoutName(Layout layout);  // "NCHW", "NHWC"
std::optional<Layout> ParseLayout(std::string_view name);

// The op's layout (kNchw when the attribute is absent or its kind has none); an error naming
// the spelling for anything but "NCHW" and "NHWC".
Expected<Layout> GetLayout(const Op& op);
// The attribute says "NHWC".
bool IsChannelsLast(const Op& op);
// Writes layout="NHWC", or removes the attribute for kNchw (the default spelled once).
void SetLayout(Op& op, Layout layout);

// The axis of the channels and the first spatial axis of a rank-`rank` activation.
inline int ChannelAxis(Layout layout, int rank) { return layout == Layout::kNhwc ? rank - 1 : 1; }
inline int FirstSpatialAxis(Layout layout) { return layout == Layout::kNhwc ? 1 : 2; }

// The two weight layouts of an NHWC conv.
enum class NhwcWeightForm : uint8_t {
  kOhwi,       // [C_out, k_h, k_w, C_in / group]
  kDepthwise,  // [1, k_h, k_w, C_out]; needs C_in == group
};
// The form of an NHWC conv's weight with dim 0 of `weight_dim0` (nullopt: not static).
NhwcWeightForm NhwcConvWeightForm(int64_t group, std::optional<int64_t> weight_dim0);
// The output channels an NHWC conv weight of `form` has: dim 0 (OHWI) or dim 3 (depthwise).
inline int NhwcWeightOutputAxis(NhwcWeightForm form) {
  return form == NhwcWeightForm::kDepthwise ? 3 : 0;
}

}  // namespace kiln::ir
