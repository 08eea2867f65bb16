#include "runtime/reference/interpreter/conv_params.h"

namespace kiln::ref {

Expected<ConvParams> ConvParamsOf(const ir::Op& op) {
  const ir::AttrMap& attrs = op.attrs();
  rt::Result<AutoPad> auto_pad = ParseAutoPad(attrs.GetString("auto_pad"));
  if (!auto_pad.ok()) return Status::Error(auto_pad.status().message());
  ConvParams p;
  p.kernel_shape = attrs.GetInts("kernel_shape");
  p.strides = attrs.GetInts("strides");
  p.dilations = attrs.GetInts("dilations");
  p.pads = attrs.GetInts("pads");
  p.auto_pad = *auto_pad;
  p.group = attrs.GetInt("group", 1);
  return p;
}

}  // namespace kiln::ref
