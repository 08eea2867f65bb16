#include "runtime/reference/kernels/window.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>

namespace kiln::ref {
namespace {

std::string Upper(std::string_view text) {
  std::string s(text);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string ListString(const std::vector<int64_t>& v) { return ShapeString(v); }

}  // namespace

rt::Result<AutoPad> ParseAutoPad(std::string_view text) {
  std::string s = Upper(text);
  if (s.empty() || s == "NOTSET") return AutoPad::kNotSet;
  if (s == "SAME_UPPER") return AutoPad::kSameUpper;
  if (s == "SAME_LOWER") return AutoPad::kSameLower;
  if (s == "VALID") return AutoPad::kValid;
  return rt::Status::Error("unknown auto_pad '" + std::string(text) + "'");
}

rt::Result<WindowGeometry> NormalizeWindow(const Shape& in_spatial, const WindowParams& p) {
  const int rank = static_cast<int>(in_spatial.size());
  if (rank < 1 || rank > kMaxSpatialDims) {
    return rt::Status::Error("expected 1 to 3 spatial dims, got " + std::to_string(rank));
  }
  auto check_len = [&](const std::vector<int64_t>& v, size_t want, const char* name) -> rt::Status {
    if (!v.empty() && v.size() != want) {
      return rt::Status::Error(std::string(name) + " " + ListString(v) + " should have " +
                               std::to_string(want) + " values for " + std::to_string(rank) +
                               " spatial dims");
    }
    return rt::Status::Ok();
  };
  if (p.kernel.size() != static_cast<size_t>(rank)) {
    return rt::Status::Error("kernel shape " + ListString(p.kernel) + " should have " +
                             std::to_string(rank) + " values");
  }
  for (auto [v, want, name] :
       {std::tuple{&p.strides, rank, "strides"}, std::tuple{&p.dilations, rank, "dilations"},
        std::tuple{&p.pads, 2 * rank, "pads"}}) {
    rt::Status s = check_len(*v, static_cast<size_t>(want), name);
    if (!s.ok()) return s;
  }
  WindowGeometry g;
  g.spatial_rank = rank;
  const int off = kMaxSpatialDims - rank;
  for (int i = 0; i < rank; ++i) {
    const int d = off + i;
    g.in[d] = in_spatial[i];
    g.kernel[d] = p.kernel[i];
    if (!p.strides.empty()) g.strides[d] = p.strides[i];
    if (!p.dilations.empty()) g.dilations[d] = p.dilations[i];
    if (!p.pads.empty() && p.auto_pad == AutoPad::kNotSet) {
      g.pad_begin[d] = p.pads[i];
      g.pad_end[d] = p.pads[rank + i];
    }
    if (g.in[d] < 0) return rt::Status::Error("negative spatial size");
    if (g.kernel[d] < 1)
      return rt::Status::Error("kernel shape " + ListString(p.kernel) + " has a dim < 1");
    if (g.strides[d] < 1)
      return rt::Status::Error("strides " + ListString(p.strides) + " have a value < 1");
    if (g.dilations[d] < 1) {
      return rt::Status::Error("dilations " + ListString(p.dilations) + " have a value < 1");
    }
    if (g.pad_begin[d] < 0 || g.pad_end[d] < 0) {
      return rt::Status::Error("pads " + ListString(p.pads) + " have a negative value");
    }
  }
  return g;
}

rt::Result<WindowGeometry> ResolveWindow(const Shape& in_spatial, const WindowParams& p) {
  rt::Result<WindowGeometry> norm = NormalizeWindow(in_spatial, p);
  if (!norm.ok()) return norm.status();
  WindowGeometry g = *norm;
  for (int d = kMaxSpatialDims - g.spatial_rank; d < kMaxSpatialDims; ++d) {
    const int64_t in = g.in[d], s = g.strides[d];
    const int64_t extent = (g.kernel[d] - 1) * g.dilations[d] + 1;
    switch (p.auto_pad) {
      case AutoPad::kSameUpper:
      case AutoPad::kSameLower: {
        g.out[d] = (in + s - 1) / s;
        int64_t total = std::max<int64_t>(0, (g.out[d] - 1) * s + extent - in);
        int64_t small = total / 2;
        g.pad_begin[d] = p.auto_pad == AutoPad::kSameUpper ? small : total - small;
        g.pad_end[d] = total - g.pad_begin[d];
        break;
      }
      case AutoPad::kValid:
        if (in < extent) return rt::Status::Error("window larger than the input");
        g.out[d] = (in - extent) / s + 1;
        break;
      case AutoPad::kNotSet: {
        const int64_t padded = in + g.pad_begin[d] + g.pad_end[d];
        if (padded < extent) {
          return rt::Status::Error("window extent " + std::to_string(extent) +
                                   " exceeds the padded input size " + std::to_string(padded));
        }
        int64_t out = p.ceil_mode ? (padded - extent + s - 1) / s + 1 : (padded - extent) / s + 1;
        // A window may not start inside the end padding (PyTorch/ONNX Runtime rule).
        if (p.ceil_mode && (out - 1) * s >= in + g.pad_begin[d]) --out;
        g.out[d] = out;
        break;
      }
    }
  }
  return g;
}

}  // namespace kiln::ref
