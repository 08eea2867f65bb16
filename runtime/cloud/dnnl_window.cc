#include "runtime/cloud/dnnl_window.h"

#include <string>

namespace kiln::cloud {

rt::Result<DnnlWindow> ResolveDnnlWindow(const rt::OpAttrs& attrs, const Dims& in_spatial,
                                         const Dims& kernel, bool pooling, std::string_view where) {
  auto error = [&](const std::string& message) {
    return rt::Status::Error(std::string(where) + ": " + message);
  };
  rt::Result<std::string_view> auto_pad_text = attrs.String("auto_pad", "NOTSET");
  if (!auto_pad_text.ok()) return auto_pad_text.status();
  rt::Result<ref::AutoPad> auto_pad = ref::ParseAutoPad(*auto_pad_text);
  if (!auto_pad.ok()) return error(auto_pad.status().message());
  ref::WindowParams p;
  p.kernel = kernel;
  p.auto_pad = *auto_pad;
  for (auto [name, field] : {std::pair{"strides", &p.strides}, std::pair{"dilations", &p.dilations},
                             std::pair{"pads", &p.pads}}) {
    rt::Result<std::vector<int64_t>> v = attrs.Ints(name, {});
    if (!v.ok()) return v.status();
    *field = std::move(*v);
  }
  if (pooling) {
    rt::Result<int64_t> ceil_mode = attrs.Int("ceil_mode", 0);
    if (!ceil_mode.ok()) return ceil_mode.status();
    p.ceil_mode = *ceil_mode != 0;
  }
  rt::Result<ref::WindowGeometry> g = ref::ResolveWindow(in_spatial, p);
  if (!g.ok()) return error(g.status().message());

  DnnlWindow w;
  const int rank = g->spatial_rank;
  for (int d = ref::kMaxSpatialDims - rank; d < ref::kMaxSpatialDims; ++d) {
    const int64_t in = g->in[d], s = g->strides[d], pl = g->pad_begin[d];
    const int64_t extent = (g->kernel[d] - 1) * g->dilations[d] + 1;
    const int64_t out = g->out[d];
    int64_t pr = g->pad_end[d];
    if ((in - extent + pl + pr) / s + 1 != out) pr = (out - 1) * s + extent - in - pl;
    if (pr < 0 || (in - extent + pl + pr) / s + 1 != out) {
      return error("window geometry oneDNN cannot express (input " + std::to_string(in) +
                   ", output " + std::to_string(out) + ")");
    }
    w.out.push_back(out);
    w.strides.push_back(s);
    w.dilations.push_back(g->dilations[d] - 1);
    w.pad_l.push_back(pl);
    w.pad_r.push_back(pr);
    w.onnx_pad_r.push_back(g->pad_end[d]);
  }
  return w;
}

}  // namespace kiln::cloud
