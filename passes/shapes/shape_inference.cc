#include "passes/shapes/shape_inference.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>

#include "ir/layout.h"
#include "passes/match.h"

namespace kiln {
namespace {

using ir::Dim;
using ir::OpKind;
using ir::Shape;
using Shapes = std::vector<std::optional<Shape>>;

// The ranked shape of operand `i`, or null (absent, or unranked).
const Shape* RankedOperand(const ir::Op& op, int i) {
  if (i >= op.num_operands() || op.operand(i) == nullptr) return nullptr;
  const Shape& s = op.operand(i)->type()->shape();
  return s.is_ranked() ? &s : nullptr;
}

// Normalizes `axis` for rank `rank`; nullopt when out of range.
std::optional<int> Axis(int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

// Every result gets `shape`.
Shapes All(const ir::Op& op, const std::optional<Shape>& shape) {
  return Shapes(op.num_results(), shape);
}

// Numpy broadcasting of two dims. A static 1 yields the other; equal dims stay; a static size
// other than 1 wins over a symbol (the symbol must equal it or be 1).
std::optional<Dim> BroadcastDim(const Dim& a, const Dim& b) {
  if (a.is_static() && a.size() == 1) return b;
  if (b.is_static() && b.size() == 1) return a;
  if (a.is_static() && b.is_static()) {
    if (a.size() != b.size()) return std::nullopt;
    return a;
  }
  if (a.is_static()) return a;
  if (b.is_static()) return b;
  if (a.is_symbolic() && a == b) return a;
  return Dim::Unknown();
}

std::optional<Shape> Broadcast(const std::vector<const Shape*>& shapes) {
  int rank = 0;
  for (const Shape* s : shapes) {
    if (s == nullptr) return std::nullopt;
    rank = std::max(rank, s->rank());
  }
  std::vector<Dim> dims(rank, Dim(1));
  for (const Shape* s : shapes) {
    int offset = rank - s->rank();
    for (int i = 0; i < s->rank(); ++i) {
      std::optional<Dim> d = BroadcastDim(dims[offset + i], s->dim(i));
      if (!d) return std::nullopt;
      dims[offset + i] = *d;
    }
  }
  return Shape(std::move(dims));
}

// The product of dims as one dim: static when all are, the symbol when it is the only
// non-static dim and the rest multiply to 1, else unknown.
Dim ProductDim(const std::vector<Dim>& dims) {
  int64_t product = 1;
  const Dim* symbol = nullptr;
  int non_static = 0;
  for (const Dim& d : dims) {
    if (d.is_static()) {
      product *= d.size();
    } else {
      ++non_static;
      symbol = d.is_symbolic() ? &d : nullptr;
    }
  }
  if (non_static == 0) return Dim(product);
  if (non_static == 1 && symbol != nullptr && product == 1) return *symbol;
  return Dim::Unknown();
}

Shapes InferMatMul(const ir::Op& op) {
  const Shape* a = RankedOperand(op, 0);
  const Shape* b = RankedOperand(op, 1);
  if (!a || !b || a->rank() == 0 || b->rank() == 0) return All(op, std::nullopt);
  std::vector<Dim> ad = a->dims();
  std::vector<Dim> bd = b->dims();
  const bool a_vec = ad.size() == 1;
  const bool b_vec = bd.size() == 1;
  if (a_vec) ad.insert(ad.begin(), Dim(1));
  if (b_vec) bd.push_back(Dim(1));
  Shape a_batch(std::vector<Dim>(ad.begin(), ad.end() - 2));
  Shape b_batch(std::vector<Dim>(bd.begin(), bd.end() - 2));
  std::optional<Shape> batch = Broadcast({&a_batch, &b_batch});
  if (!batch) return All(op, std::nullopt);
  std::vector<Dim> dims = batch->dims();
  if (!a_vec) dims.push_back(ad[ad.size() - 2]);
  if (!b_vec) dims.push_back(bd.back());
  return All(op, Shape(std::move(dims)));
}

Shapes InferGemm(const ir::Op& op) {
  const Shape* a = RankedOperand(op, 0);
  const Shape* b = RankedOperand(op, 1);
  if (!a || !b || a->rank() != 2 || b->rank() != 2) return All(op, std::nullopt);
  bool trans_a = op.attrs().GetInt("trans_a", 0) != 0;
  bool trans_b = op.attrs().GetInt("trans_b", 0) != 0;
  return All(op, Shape({a->dim(trans_a ? 1 : 0), b->dim(trans_b ? 0 : 1)}));
}

Shapes InferLinear(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  const Shape* w = RankedOperand(op, 1);
  if (!x || !w || x->rank() == 0 || w->rank() != 2) return All(op, std::nullopt);
  std::vector<Dim> dims = x->dims();
  dims.back() = w->dim(1);
  return All(op, Shape(std::move(dims)));
}

// Output size of one spatial dim of a convolution or pooling window.
Dim WindowOutput(const Dim& in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin,
                 int64_t pad_end, const std::string& auto_pad, bool ceil_mode) {
  if (!in.is_static() || stride <= 0) return Dim::Unknown();
  const int64_t n = in.size();
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return Dim((n + stride - 1) / stride);
  const int64_t span = dilation * (kernel - 1) + 1;
  if (auto_pad == "VALID") pad_begin = pad_end = 0;
  const int64_t padded = n + pad_begin + pad_end;
  if (padded < span) return Dim::Unknown();
  int64_t out =
      ceil_mode ? (padded - span + stride - 1) / stride + 1 : (padded - span) / stride + 1;
  // A ceil-mode window must start inside the input or left padding.
  if (ceil_mode && (out - 1) * stride >= n + pad_begin) --out;
  return Dim(out);
}

// conv, max_pool, average_pool: [N, C_out, spatial...], or [N, spatial..., C_out] for layout
// NHWC (ir/layout.h).
Shapes InferWindowed(const ir::Op& op, const Dim& channels, const std::vector<int64_t>& kernel) {
  const Shape* x = RankedOperand(op, 0);
  Expected<ir::Layout> layout = ir::GetLayout(op);
  const int spatial = x ? x->rank() - 2 : -1;
  if (!layout || spatial < 1 || static_cast<int>(kernel.size()) != spatial ||
      (*layout == ir::Layout::kNhwc && spatial != 2)) {
    return All(op, std::nullopt);
  }
  const ir::AttrMap& attrs = op.attrs();
  std::vector<int64_t> strides = attrs.GetInts("strides", std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> dilations = attrs.GetInts("dilations", std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> pads = attrs.GetInts("pads", std::vector<int64_t>(2 * spatial, 0));
  if (static_cast<int>(strides.size()) != spatial ||
      static_cast<int>(dilations.size()) != spatial ||
      static_cast<int>(pads.size()) != 2 * spatial) {
    return All(op, std::nullopt);
  }
  const std::string auto_pad = attrs.GetString("auto_pad", "NOTSET");
  const bool ceil_mode = attrs.GetInt("ceil_mode", 0) != 0;
  const int first = ir::FirstSpatialAxis(*layout);
  std::vector<Dim> dims = {x->dim(0)};
  if (*layout == ir::Layout::kNchw) dims.push_back(channels);
  for (int i = 0; i < spatial; ++i) {
    dims.push_back(WindowOutput(x->dim(first + i), kernel[i], strides[i], dilations[i], pads[i],
                                pads[spatial + i], auto_pad, ceil_mode));
  }
  if (*layout == ir::Layout::kNhwc) dims.push_back(channels);
  return All(op, Shape(std::move(dims)));
}

// The output channels and kernel of a conv's weight: [C_out, C_in/g, k...], or for layout NHWC
// [C_out, k_h, k_w, C_in/g] or (depthwise) [1, k_h, k_w, C_out].
Shapes InferConv(const ir::Op& op) {
  const Shape* w = RankedOperand(op, 1);
  Expected<ir::Layout> layout = ir::GetLayout(op);
  if (!w || w->rank() < 3 || !layout) return All(op, std::nullopt);
  const bool nhwc = *layout == ir::Layout::kNhwc;
  if (nhwc && w->rank() != 4) return All(op, std::nullopt);
  const int first = nhwc ? 1 : 2;
  const int count = w->rank() - 2;
  std::vector<int64_t> kernel = op.attrs().GetInts("kernel_shape");
  if (kernel.empty()) {
    for (int i = first; i < first + count; ++i) {
      if (!w->dim(i).is_static()) return All(op, std::nullopt);
      kernel.push_back(w->dim(i).size());
    }
  }
  int channel_axis = 0;
  if (nhwc) {
    const Dim& w0 = w->dim(0);
    const std::optional<int64_t> dim0 =
        w0.is_static() ? std::optional<int64_t>(w0.size()) : std::nullopt;
    channel_axis =
        ir::NhwcWeightOutputAxis(ir::NhwcConvWeightForm(op.attrs().GetInt("group", 1), dim0));
  }
  return InferWindowed(op, w->dim(channel_axis), kernel);
}

Shapes InferPool(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  Expected<ir::Layout> layout = ir::GetLayout(op);
  if (!x || x->rank() < 3 || !layout) return All(op, std::nullopt);
  return InferWindowed(op, x->dim(ir::ChannelAxis(*layout, x->rank())),
                       op.attrs().GetInts("kernel_shape"));
}

Shapes InferGlobalPool(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  Expected<ir::Layout> layout = ir::GetLayout(op);
  if (!x || x->rank() < 3 || !layout) return All(op, std::nullopt);
  if (*layout == ir::Layout::kNhwc && x->rank() != 4) return All(op, std::nullopt);
  const int c = ir::ChannelAxis(*layout, x->rank());
  std::vector<Dim> dims(x->rank(), Dim(1));
  dims[0] = x->dim(0);
  dims[c] = x->dim(c);
  return All(op, Shape(std::move(dims)));
}

Shapes InferReshape(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  std::optional<std::vector<int64_t>> target = IntConstant(op.operand(1));
  if (!target) return All(op, std::nullopt);
  const bool allowzero = op.attrs().GetInt("allowzero", 0) != 0;
  std::vector<Dim> dims;
  int infer_at = -1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t t = (*target)[i];
    if (t == 0 && !allowzero) {
      if (!x || static_cast<int>(i) >= x->rank()) return All(op, std::nullopt);
      dims.push_back(x->dim(i));
    } else if (t == -1) {
      if (infer_at >= 0) return All(op, std::nullopt);
      infer_at = static_cast<int>(i);
      dims.push_back(Dim::Unknown());
    } else if (t < 0) {
      return All(op, std::nullopt);
    } else {
      dims.push_back(Dim(t));
    }
  }
  if (infer_at >= 0 && x != nullptr) {
    // in = static_in * symbols; out = static_out * (other symbols) * inferred.
    int64_t static_in = 1;
    int64_t static_out = 1;
    std::vector<std::string> symbols_in;
    std::vector<std::string> symbols_out;
    bool opaque = false;
    for (const Dim& d : x->dims()) {
      if (d.is_static()) {
        static_in *= d.size();
      } else if (d.is_symbolic()) {
        symbols_in.push_back(d.symbol());
      } else {
        opaque = true;
      }
    }
    for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
      if (i == infer_at) continue;
      if (dims[i].is_static()) {
        static_out *= dims[i].size();
      } else if (dims[i].is_symbolic()) {
        symbols_out.push_back(dims[i].symbol());
      } else {
        opaque = true;
      }
    }
    // Cancel the symbols both sides share.
    for (auto it = symbols_out.begin(); it != symbols_out.end();) {
      auto in = std::find(symbols_in.begin(), symbols_in.end(), *it);
      if (in != symbols_in.end()) {
        symbols_in.erase(in);
        it = symbols_out.erase(it);
      } else {
        ++it;
      }
    }
    if (!opaque && symbols_out.empty() && static_out > 0 && static_in % static_out == 0) {
      const int64_t ratio = static_in / static_out;
      if (symbols_in.empty()) {
        dims[infer_at] = Dim(ratio);
      } else if (symbols_in.size() == 1 && ratio == 1) {
        dims[infer_at] = Dim::Symbol(symbols_in[0]);
      }
    }
  }
  return All(op, Shape(std::move(dims)));
}

Shapes InferTranspose(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  if (!x) return All(op, std::nullopt);
  std::vector<int64_t> perm = op.attrs().GetInts("perm");
  if (perm.empty()) {
    for (int i = x->rank() - 1; i >= 0; --i) perm.push_back(i);
  }
  if (static_cast<int>(perm.size()) != x->rank()) return All(op, std::nullopt);
  std::vector<Dim> dims;
  for (int64_t p : perm) {
    std::optional<int> a = Axis(p, x->rank());
    if (!a) return All(op, std::nullopt);
    dims.push_back(x->dim(*a));
  }
  return All(op, Shape(std::move(dims)));
}

Shapes InferConcat(const ir::Op& op) {
  const Shape* first = RankedOperand(op, 0);
  if (!first) return All(op, std::nullopt);
  std::optional<int> axis = Axis(op.attrs().GetInt("axis", 0), first->rank());
  if (!axis) return All(op, std::nullopt);
  std::vector<Dim> dims = first->dims();
  int64_t total = 0;
  bool known = true;
  for (int i = 0; i < op.num_operands(); ++i) {
    const Shape* s = RankedOperand(op, i);
    if (!s || s->rank() != first->rank()) return All(op, std::nullopt);
    for (int d = 0; d < s->rank(); ++d) {
      if (d == *axis) continue;
      if (!dims[d].is_static() && s->dim(d).is_static()) dims[d] = s->dim(d);
    }
    if (s->dim(*axis).is_static()) {
      total += s->dim(*axis).size();
    } else {
      known = false;
    }
  }
  dims[*axis] = known ? Dim(total) : Dim::Unknown();
  if (op.num_operands() == 1) dims[*axis] = first->dim(*axis);
  return All(op, Shape(std::move(dims)));
}

Shapes InferFlatten(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  if (!x) return All(op, std::nullopt);
  int64_t axis = op.attrs().GetInt("axis", 1);
  if (axis < 0) axis += x->rank();
  if (axis < 0 || axis > x->rank()) return All(op, std::nullopt);
  std::vector<Dim> head(x->dims().begin(), x->dims().begin() + axis);
  std::vector<Dim> tail(x->dims().begin() + axis, x->dims().end());
  return All(op, Shape({ProductDim(head), ProductDim(tail)}));
}

Shapes InferSqueeze(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  if (!x) return All(op, std::nullopt);
  std::vector<bool> drop(x->rank(), false);
  const ir::AttrValue* axes_attr = op.attrs().Find("axes");
  if (axes_attr == nullptr) {
    for (int i = 0; i < x->rank(); ++i) {
      if (!x->dim(i).is_static()) return All(op, std::nullopt);
      drop[i] = x->dim(i).size() == 1;
    }
  } else {
    for (int64_t a : op.attrs().GetInts("axes")) {
      std::optional<int> axis = Axis(a, x->rank());
      if (!axis) return All(op, std::nullopt);
      drop[*axis] = true;
    }
  }
  std::vector<Dim> dims;
  for (int i = 0; i < x->rank(); ++i) {
    if (!drop[i]) dims.push_back(x->dim(i));
  }
  return All(op, Shape(std::move(dims)));
}

Shapes InferUnsqueeze(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  if (!x) return All(op, std::nullopt);
  std::vector<int64_t> axes = op.attrs().GetInts("axes");
  const int rank = x->rank() + static_cast<int>(axes.size());
  std::vector<bool> inserted(rank, false);
  for (int64_t a : axes) {
    std::optional<int> axis = Axis(a, rank);
    if (!axis || inserted[*axis]) return All(op, std::nullopt);
    inserted[*axis] = true;
  }
  std::vector<Dim> dims;
  int next = 0;
  for (int i = 0; i < rank; ++i) dims.push_back(inserted[i] ? Dim(1) : x->dim(next++));
  return All(op, Shape(std::move(dims)));
}

Shapes InferShapeOp(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  if (!x) return All(op, std::nullopt);
  const int rank = x->rank();
  int64_t start = op.attrs().GetInt("start", 0);
  int64_t end = op.attrs().GetInt("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return All(op, Shape({Dim(std::max<int64_t>(0, end - start))}));
}

Shapes InferGather(const ir::Op& op) {
  const Shape* data = RankedOperand(op, 0);
  const Shape* indices = RankedOperand(op, 1);
  if (!data || !indices) return All(op, std::nullopt);
  std::optional<int> axis = Axis(op.attrs().GetInt("axis", 0), data->rank());
  if (!axis) return All(op, std::nullopt);
  std::vector<Dim> dims(data->dims().begin(), data->dims().begin() + *axis);
  dims.insert(dims.end(), indices->dims().begin(), indices->dims().end());
  dims.insert(dims.end(), data->dims().begin() + *axis + 1, data->dims().end());
  return All(op, Shape(std::move(dims)));
}

Shapes InferSlice(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  std::optional<std::vector<int64_t>> starts = IntConstant(op.operand(1));
  std::optional<std::vector<int64_t>> ends = IntConstant(op.operand(2));
  if (!x || !starts || !ends || starts->size() != ends->size()) return All(op, std::nullopt);
  std::vector<int64_t> axes(starts->size());
  std::iota(axes.begin(), axes.end(), 0);
  std::vector<int64_t> steps(starts->size(), 1);
  if (op.num_operands() > 3 && op.operand(3)) {
    std::optional<std::vector<int64_t>> a = IntConstant(op.operand(3));
    if (!a || a->size() != starts->size()) return All(op, std::nullopt);
    axes = *a;
  }
  if (op.num_operands() > 4 && op.operand(4)) {
    std::optional<std::vector<int64_t>> s = IntConstant(op.operand(4));
    if (!s || s->size() != starts->size()) return All(op, std::nullopt);
    steps = *s;
  }
  std::vector<Dim> dims = x->dims();
  for (size_t i = 0; i < axes.size(); ++i) {
    std::optional<int> axis = Axis(axes[i], x->rank());
    if (!axis || steps[i] == 0) return All(op, std::nullopt);
    const Dim& d = x->dim(*axis);
    const int64_t start = (*starts)[i];
    const int64_t end = (*ends)[i];
    const int64_t step = steps[i];
    if (!d.is_static()) {
      // The whole dim, forwards: the size stays whatever it is.
      const bool whole = step == 1 && start == 0 && end >= std::numeric_limits<int32_t>::max();
      dims[*axis] = whole ? d : Dim::Unknown();
      continue;
    }
    const int64_t n = d.size();
    auto clamp = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0) v += n;
      return std::clamp(v, lo, hi);
    };
    int64_t count = 0;
    if (step > 0) {
      int64_t s = clamp(start, 0, n);
      int64_t e = clamp(end, 0, n);
      count = e > s ? (e - s + step - 1) / step : 0;
    } else {
      int64_t s = clamp(start, -1, n - 1);
      int64_t e = clamp(end, -1, n - 1);
      count = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
    dims[*axis] = Dim(count);
  }
  return All(op, Shape(std::move(dims)));
}

Shapes InferReduce(const ir::Op& op, bool arg_reduce) {
  const Shape* x = RankedOperand(op, 0);
  if (!x) return All(op, std::nullopt);
  const bool keepdims = op.attrs().GetInt("keepdims", 1) != 0;
  std::vector<bool> reduced(x->rank(), false);
  if (arg_reduce) {
    std::optional<int> axis = Axis(op.attrs().GetInt("axis", 0), x->rank());
    if (!axis) return All(op, std::nullopt);
    reduced[*axis] = true;
  } else {
    std::vector<int64_t> axes = op.attrs().GetInts("axes");
    if (axes.empty()) {
      if (op.attrs().GetInt("noop_with_empty_axes", 0) != 0) return All(op, *x);
      std::fill(reduced.begin(), reduced.end(), true);
    }
    for (int64_t a : axes) {
      std::optional<int> axis = Axis(a, x->rank());
      if (!axis) return All(op, std::nullopt);
      reduced[*axis] = true;
    }
  }
  std::vector<Dim> dims;
  for (int i = 0; i < x->rank(); ++i) {
    if (!reduced[i]) {
      dims.push_back(x->dim(i));
    } else if (keepdims) {
      dims.push_back(Dim(1));
    }
  }
  return All(op, Shape(std::move(dims)));
}

// A shape given as a constant operand, as static dims.
std::optional<Shape> ConstantShapeOperand(const ir::Op& op, int i) {
  std::optional<std::vector<int64_t>> v = IntConstant(op.operand(i));
  if (!v) return std::nullopt;
  for (int64_t d : *v) {
    if (d < 0) return std::nullopt;
  }
  return Shape::Static(*v);
}

Shapes InferExpand(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  std::optional<Shape> target = ConstantShapeOperand(op, 1);
  if (!x || !target) return All(op, std::nullopt);
  return All(op, Broadcast({x, &*target}));
}

Shapes InferPad(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  std::optional<std::vector<int64_t>> pads = IntConstant(op.operand(1));
  if (!x || !pads) return All(op, std::nullopt);
  std::vector<int64_t> axes(x->rank());
  std::iota(axes.begin(), axes.end(), 0);
  if (op.num_operands() > 3 && op.operand(3)) {
    std::optional<std::vector<int64_t>> a = IntConstant(op.operand(3));
    if (!a) return All(op, std::nullopt);
    axes = *a;
  }
  const size_t n = axes.size();
  if (pads->size() != 2 * n) return All(op, std::nullopt);
  std::vector<Dim> dims = x->dims();
  for (size_t i = 0; i < n; ++i) {
    std::optional<int> axis = Axis(axes[i], x->rank());
    if (!axis) return All(op, std::nullopt);
    const int64_t add = (*pads)[i] + (*pads)[n + i];
    if (add == 0) continue;
    const Dim& d = x->dim(*axis);
    dims[*axis] = d.is_static() && d.size() + add >= 0 ? Dim(d.size() + add) : Dim::Unknown();
  }
  return All(op, Shape(std::move(dims)));
}

Shapes InferTile(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  std::optional<std::vector<int64_t>> repeats = IntConstant(op.operand(1));
  if (!x || !repeats || static_cast<int>(repeats->size()) != x->rank()) {
    return All(op, std::nullopt);
  }
  std::vector<Dim> dims = x->dims();
  for (int i = 0; i < x->rank(); ++i) {
    const int64_t r = (*repeats)[i];
    if (r == 1) continue;
    dims[i] = dims[i].is_static() && r >= 0 ? Dim(dims[i].size() * r) : Dim::Unknown();
  }
  return All(op, Shape(std::move(dims)));
}

Shapes InferSplit(const ir::Op& op) {
  const Shape* x = RankedOperand(op, 0);
  if (!x) return All(op, std::nullopt);
  std::optional<int> axis = Axis(op.attrs().GetInt("axis", 0), x->rank());
  if (!axis) return All(op, std::nullopt);
  const int parts = op.num_results();
  std::vector<Dim> sizes(parts, Dim::Unknown());
  if (op.num_operands() > 1 && op.operand(1)) {
    std::optional<std::vector<int64_t>> split = IntConstant(op.operand(1));
    if (!split || static_cast<int>(split->size()) != parts) return All(op, std::nullopt);
    for (int i = 0; i < parts; ++i) sizes[i] = Dim((*split)[i]);
  } else if (x->dim(*axis).is_static()) {
    const int64_t n = x->dim(*axis).size();
    const int64_t chunk = (n + parts - 1) / parts;
    for (int i = 0; i < parts; ++i) {
      sizes[i] = Dim(std::max<int64_t>(0, std::min(chunk, n - chunk * i)));
    }
  }
  Shapes out;
  for (int i = 0; i < parts; ++i) {
    std::vector<Dim> dims = x->dims();
    dims[*axis] = sizes[i];
    out.push_back(Shape(std::move(dims)));
  }
  return out;
}

Shapes InferRange(const ir::Op& op) {
  std::optional<double> start = ScalarConstant(op.operand(0));
  std::optional<double> limit = ScalarConstant(op.operand(1));
  std::optional<double> delta = ScalarConstant(op.operand(2));
  if (!start || !limit || !delta || *delta == 0) return All(op, Shape({Dim::Unknown()}));
  const double n = std::ceil((*limit - *start) / *delta);
  return All(op, Shape({Dim(n > 0 ? static_cast<int64_t>(n) : 0)}));
}

}  // namespace

std::vector<std::optional<Shape>> InferResultShapes(const ir::Op& op) {
  const ir::OpSchema& schema = op.schema();
  if (schema.has(ir::kShapePreserving)) {
    const Shape* x = RankedOperand(op, 0);
    return All(op, x ? std::optional<Shape>(*x) : std::nullopt);
  }
  if (schema.has(ir::kBroadcastBinary) || op.kind() == OpKind::kWhere) {
    std::vector<const Shape*> shapes;
    for (int i = 0; i < op.num_operands(); ++i) shapes.push_back(RankedOperand(op, i));
    return All(op, Broadcast(shapes));
  }
  switch (op.kind()) {
    case OpKind::kCast:
    case OpKind::kQuantize:
    case OpKind::kDequantize:
    case OpKind::kClip:
    case OpKind::kIsNaN:
    case OpKind::kIsInf:
    case OpKind::kDropout:
    case OpKind::kBatchNorm:
    case OpKind::kLayerNorm:
    case OpKind::kInstanceNorm: {
      const Shape* x = RankedOperand(op, 0);
      Shapes out(op.num_results(), std::nullopt);
      if (x) out[0] = *x;
      if (x && op.kind() == OpKind::kDropout && op.num_results() > 1) out[1] = *x;
      return out;
    }
    case OpKind::kMatMul:
      return InferMatMul(op);
    case OpKind::kGemm:
      return InferGemm(op);
    case OpKind::kLinear:
      return InferLinear(op);
    case OpKind::kConv:
      return InferConv(op);
    case OpKind::kMaxPool:
    case OpKind::kAveragePool:
      return InferPool(op);
    case OpKind::kGlobalAveragePool:
    case OpKind::kGlobalMaxPool:
      return InferGlobalPool(op);
    case OpKind::kReshape:
      return InferReshape(op);
    case OpKind::kTranspose:
      return InferTranspose(op);
    case OpKind::kConcat:
      return InferConcat(op);
    case OpKind::kFlatten:
      return InferFlatten(op);
    case OpKind::kSqueeze:
      return InferSqueeze(op);
    case OpKind::kUnsqueeze:
      return InferUnsqueeze(op);
    case OpKind::kShape:
      return InferShapeOp(op);
    case OpKind::kSize:
      return All(op, Shape());
    case OpKind::kGather:
      return InferGather(op);
    case OpKind::kSlice:
      return InferSlice(op);
    case OpKind::kReduceMean:
    case OpKind::kReduceSum:
    case OpKind::kReduceMax:
    case OpKind::kReduceMin:
    case OpKind::kReduceProd:
    case OpKind::kReduceL2:
    case OpKind::kReduceSumSquare:
    case OpKind::kReduceL1:
    case OpKind::kReduceLogSum:
    case OpKind::kReduceLogSumExp:
      return InferReduce(op, /*arg_reduce=*/false);
    case OpKind::kArgMax:
    case OpKind::kArgMin:
      return InferReduce(op, /*arg_reduce=*/true);
    case OpKind::kExpand:
      return InferExpand(op);
    case OpKind::kPad:
      return InferPad(op);
    case OpKind::kTile:
      return InferTile(op);
    case OpKind::kSplit:
      return InferSplit(op);
    case OpKind::kConstantOfShape:
      return All(op, ConstantShapeOperand(op, 0));
    case OpKind::kRange:
      return InferRange(op);
    default:
      return All(op, std::nullopt);
  }
}

std::optional<Shape> MergeShapes(const Shape& a, const Shape& b) {
  if (!a.is_ranked()) return b;
  if (!b.is_ranked()) return a;
  if (a.rank() != b.rank()) return std::nullopt;
  std::vector<Dim> dims;
  for (int i = 0; i < a.rank(); ++i) {
    const Dim& x = a.dim(i);
    const Dim& y = b.dim(i);
    if (x.is_static() && y.is_static() && x.size() != y.size()) return std::nullopt;
    if (x.is_static()) {
      dims.push_back(x);
    } else if (y.is_static()) {
      dims.push_back(y);
    } else if (x.is_symbolic()) {
      dims.push_back(x);
    } else {
      dims.push_back(y);
    }
  }
  return Shape(std::move(dims));
}

}  // namespace kiln
