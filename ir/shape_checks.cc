#include "ir/shape_checks.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ir/layout.h"
#include "ir/str_cat.h"

namespace kiln::ir {
namespace {

using Problem = std::optional<std::string>;

const TensorType* OperandType(const Op& op, int i) { return op.operand(i)->type(); }
const TensorType* ResultType(const Op& op) { return op.result(0)->type(); }
std::string_view Scalar(const TensorType* t) { return ScalarTypeName(t->scalar()); }
bool IsRanked(const TensorType* t) { return t->shape().is_ranked(); }

// Dim `i` of `t`, or null when `t` is unranked or has no such dim.
const Dim* DimAt(const TensorType* t, int i) {
  const Shape& s = t->shape();
  if (!s.is_ranked() || i < 0 || i >= s.rank()) return nullptr;
  return &s.dim(i);
}

const Dim* StaticDimAt(const TensorType* t, int i) {
  const Dim* d = DimAt(t, i);
  return d && d->is_static() ? d : nullptr;
}

// Symbolic and unknown dims may stand for any size.
bool Conflict(const Dim& a, const Dim& b) {
  return a.is_static() && b.is_static() && a.size() != b.size();
}
bool Conflict(const Dim* a, const Dim* b) { return a && b && Conflict(*a, *b); }

bool Compatible(const Shape& a, const Shape& b) {
  if (!a.is_ranked() || !b.is_ranked()) return true;
  if (a.rank() != b.rank()) return false;
  for (int i = 0; i < a.rank(); ++i) {
    if (Conflict(a.dim(i), b.dim(i))) return false;
  }
  return true;
}

// Result 0 has the shape of operand `operand` (elementwise ops, casts, quantize).
Problem CheckSameShape(const Op& op, int operand = 0) {
  const Shape& in = OperandType(op, operand)->shape();
  const Shape& out = ResultType(op)->shape();
  if (Compatible(in, out)) return std::nullopt;
  return StrCat("result 0 has shape ", out.ToString(), ", but operand ", operand, " has ",
                in.ToString());
}

// A quantized tensor holds real numbers (scale * (q - zero_point)): an op reading or writing one
// computes on those (docs/ir.md, "Quantized operands"), so for type agreement it counts as f32.
ScalarType ValueScalar(const TensorType* t) {
  return t->is_quantized() ? ScalarType::kF32 : t->scalar();
}

Problem CheckSameScalar(const Op& op, int operand = 0) {
  const TensorType* in = OperandType(op, operand);
  const TensorType* out = ResultType(op);
  if (ValueScalar(in) == ValueScalar(out)) return std::nullopt;
  return StrCat("result 0 is ", Scalar(out), ", but operand ", operand, " is ", Scalar(in));
}

Problem CheckShapePreserving(const Op& op) {
  if (op.kind() == OpKind::kNot) {
    const TensorType* in = OperandType(op, 0);
    const TensorType* out = ResultType(op);
    if (in->scalar() != ScalarType::kBool) {
      return StrCat("operand 0 is ", in->ToString(), ", but not takes bool");
    }
    if (out->scalar() != ScalarType::kBool) {
      return StrCat("result 0 is ", out->ToString(), ", but not produces bool");
    }
  } else if (Problem p = CheckSameScalar(op)) {
    return p;
  }
  return CheckSameShape(op);
}

// Numpy broadcasting of every operand's shape, checked against result 0. Skipped when an
// operand is unranked.
Problem CheckBroadcastShapes(const Op& op) {
  int rank = 0;
  for (const Value* v : op.operands()) {
    if (!IsRanked(v->type())) return std::nullopt;
    rank = std::max(rank, v->type()->rank());
  }
  // Walk dims from the right; `expected` becomes the broadcast shape (for messages).
  std::vector<Dim> expected(rank);
  for (int k = 1; k <= rank; ++k) {
    const Dim* big = nullptr;  // a static dim other than 1
    int big_operand = -1;
    const Dim* other = nullptr;  // a symbolic or unknown dim
    bool others_agree = true;
    for (int i = 0; i < op.num_operands(); ++i) {
      const Shape& s = OperandType(op, i)->shape();
      if (k > s.rank()) continue;
      const Dim& d = s.dim(s.rank() - k);
      if (d.is_static() && d.size() == 1) continue;
      if (d.is_static()) {
        if (big && big->size() != d.size()) {
          return StrCat("operand ", i, " has shape ", s.ToString(),
                        ", which does not broadcast with operand ", big_operand, "'s ",
                        OperandType(op, big_operand)->shape().ToString());
        }
        big = &d;
        big_operand = i;
      } else if (!other) {
        other = &d;
      } else if (!(*other == d)) {
        others_agree = false;
      }
    }
    Dim& e = expected[rank - k];
    if (big) {
      e = *big;
    } else if (!other) {
      e = Dim(1);
    } else if (others_agree) {
      e = *other;
    }
  }
  const Shape& result = ResultType(op)->shape();
  if (!result.is_ranked()) return std::nullopt;
  Shape broadcast(expected);
  if (result.rank() != rank) {
    return StrCat("result 0 has rank ", result.rank(), ", but broadcasting the operands gives ",
                  broadcast.ToString());
  }
  for (int d = 0; d < rank; ++d) {
    if (Conflict(result.dim(d), expected[d])) {
      return StrCat("result 0 has shape ", result.ToString(),
                    ", but broadcasting the operands gives ", broadcast.ToString());
    }
  }
  return std::nullopt;
}

Problem CheckBroadcast(const Op& op) {
  const OpSchema& schema = op.schema();
  const TensorType* first = OperandType(op, 0);
  if (!schema.has(kMixedOperandTypes)) {
    for (int i = 1; i < op.num_operands(); ++i) {
      const TensorType* t = OperandType(op, i);
      if (t->scalar() != first->scalar()) {
        return StrCat("operand ", i, " is ", Scalar(t), ", but operand 0 is ", Scalar(first));
      }
    }
  }
  if (schema.has(kBoolResult)) {
    const TensorType* out = ResultType(op);
    if (out->scalar() != ScalarType::kBool) {
      return StrCat("result 0 is ", Scalar(out), ", but ", op.kind_name(), " produces bool");
    }
  } else if (Problem p = CheckSameScalar(op)) {
    return p;
  }
  return CheckBroadcastShapes(op);
}

Problem CheckMatMul(const Op& op) {
  const TensorType* a = OperandType(op, 0);
  const TensorType* b = OperandType(op, 1);
  const TensorType* y = ResultType(op);
  if (!IsRanked(a) || !IsRanked(b)) return std::nullopt;
  int ra = a->rank();
  int rb = b->rank();
  if (ra == 0 || rb == 0) {
    return StrCat("operand ", ra == 0 ? 0 : 1, " is a scalar, but matmul needs rank >= 1");
  }
  const Dim& ka = a->shape().dim(ra - 1);
  const Dim& kb = b->shape().dim(rb == 1 ? 0 : rb - 2);
  if (Conflict(ka, kb)) {
    return StrCat("operand 0 has inner dim ", ka.ToString(), ", but operand 1 has ", kb.ToString());
  }
  if (!IsRanked(y)) return std::nullopt;
  int want_rank = std::max(ra, rb);  // 1-D operands are promoted, then the 1 is dropped
  if (ra == 1) --want_rank;
  if (rb == 1) --want_rank;
  if (ra == 1 && rb == 1) want_rank = 0;
  if (y->rank() != want_rank) {
    return StrCat("result 0 has rank ", y->rank(), ", but ", a->shape().ToString(), " x ",
                  b->shape().ToString(), " gives rank ", want_rank);
  }
  if (ra >= 2 && rb >= 2) {
    const Dim& m = a->shape().dim(ra - 2);
    const Dim& n = b->shape().dim(rb - 1);
    if (Conflict(y->shape().dim(want_rank - 2), m) || Conflict(y->shape().dim(want_rank - 1), n)) {
      return StrCat("result 0 has shape ", y->shape().ToString(), ", but ", a->shape().ToString(),
                    " x ", b->shape().ToString(), " gives [...,", m.ToString(), ",", n.ToString(),
                    "]");
    }
  }
  return std::nullopt;
}

// linear: x[..., K] w[K, N] b[N] -> [..., N].
Problem CheckLinear(const Op& op) {
  const TensorType* x = OperandType(op, 0);
  const TensorType* w = OperandType(op, 1);
  const TensorType* y = ResultType(op);
  if (IsRanked(w) && w->rank() != 2) {
    return StrCat("operand 1 has rank ", w->rank(), ", but linear takes a 2-D weight [K, N]");
  }
  if (IsRanked(x) && x->rank() == 0) return "operand 0 is a scalar, but linear needs rank >= 1";
  const Dim* n = DimAt(w, 1);
  if (IsRanked(x) && Conflict(DimAt(x, x->rank() - 1), DimAt(w, 0))) {
    return StrCat("operand 0 has inner dim ", x->shape().dim(x->rank() - 1).ToString(),
                  ", but operand 1 has ", w->shape().dim(0).ToString());
  }
  if (op.num_operands() > 2 && op.operand(2)) {
    const TensorType* b = OperandType(op, 2);
    if (IsRanked(b) && (b->rank() != 1 || Conflict(DimAt(b, 0), n))) {
      return StrCat("operand 2 has shape ", b->shape().ToString(), ", but the bias must be [",
                    n ? n->ToString() : "?", "]");
    }
  }
  if (IsRanked(x) && IsRanked(y)) {
    if (y->rank() != x->rank()) {
      return StrCat("result 0 has rank ", y->rank(), ", but operand 0 has rank ", x->rank());
    }
    for (int i = 0; i + 1 < x->rank(); ++i) {
      if (Conflict(DimAt(y, i), DimAt(x, i))) {
        return StrCat("result 0 has shape ", y->shape().ToString(), ", but operand 0 has ",
                      x->shape().ToString());
      }
    }
    if (Conflict(DimAt(y, y->rank() - 1), n)) {
      return StrCat("result 0 has shape ", y->shape().ToString(), ", but the weight has ",
                    n->ToString(), " columns");
    }
  }
  if (Problem p = CheckSameScalar(op)) return p;
  return std::nullopt;
}

Problem CheckGemm(const Op& op) {
  for (int i = 0; i < 2; ++i) {
    const TensorType* t = OperandType(op, i);
    if (IsRanked(t) && t->rank() != 2) {
      return StrCat("operand ", i, " has rank ", t->rank(), ", but gemm takes 2-D operands");
    }
  }
  const TensorType* a = OperandType(op, 0);
  const TensorType* b = OperandType(op, 1);
  const TensorType* y = ResultType(op);
  int trans_a = op.attrs().GetInt("trans_a", 0) != 0 ? 1 : 0;
  int trans_b = op.attrs().GetInt("trans_b", 0) != 0 ? 1 : 0;
  const Dim* m = DimAt(a, trans_a ? 1 : 0);
  const Dim* ka = DimAt(a, trans_a ? 0 : 1);
  const Dim* kb = DimAt(b, trans_b ? 1 : 0);
  const Dim* n = DimAt(b, trans_b ? 0 : 1);
  if (Conflict(ka, kb)) {
    return StrCat("operand 0 has inner dim ", ka->ToString(), " (trans_a=", trans_a,
                  "), but operand 1 has ", kb->ToString(), " (trans_b=", trans_b, ")");
  }
  if (IsRanked(y)) {
    if (y->rank() != 2) return StrCat("result 0 has rank ", y->rank(), ", but gemm gives 2-D");
    if (Conflict(DimAt(y, 0), m) || Conflict(DimAt(y, 1), n)) {
      return StrCat("result 0 has shape ", y->shape().ToString(), ", but the operands give [",
                    m ? m->ToString() : "?", ",", n ? n->ToString() : "?", "]");
    }
  }
  if (op.num_operands() > 2 && op.operand(2)) {
    const TensorType* c = OperandType(op, 2);
    if (!IsRanked(c)) return std::nullopt;
    // C broadcasts one way, to [M, N].
    const Dim* mn[] = {m, n};
    bool ok = c->rank() <= 2;
    for (int i = 0; ok && i < c->rank(); ++i) {
      const Dim& d = c->shape().dim(i);
      const Dim* target = mn[2 - c->rank() + i];
      ok = !(d.is_static() && d.size() != 1 && Conflict(&d, target));
    }
    if (!ok) {
      return StrCat("operand 2 has shape ", c->shape().ToString(),
                    ", which does not broadcast to [", m ? m->ToString() : "?", ",",
                    n ? n->ToString() : "?", "]");
    }
  }
  return std::nullopt;
}

// kernel_shape, when given, matches the weight's spatial dims (`count` of them from `first`).
Problem CheckKernelShape(const Op& op, const TensorType* w, int first, int count) {
  const AttrValue* attr = op.attrs().Find("kernel_shape");
  if (attr == nullptr || !IsRanked(w)) return std::nullopt;
  std::vector<int64_t> kernel = op.attrs().GetInts("kernel_shape");
  bool ok = static_cast<int>(kernel.size()) == count && first + count <= w->rank();
  for (int i = 0; ok && i < count; ++i) {
    const Dim& d = w->shape().dim(first + i);
    ok = !d.is_static() || d.size() == kernel[i];
  }
  if (ok) return std::nullopt;
  return StrCat("kernel_shape ", FormatAttrValue(*attr), " does not match operand 1's ",
                w->shape().ToString());
}

// The bias (operand 2), when present, is [out_c].
Problem CheckConvBias(const Op& op, std::optional<int64_t> out_c) {
  if (op.num_operands() <= 2 || !op.operand(2)) return std::nullopt;
  const TensorType* bias = OperandType(op, 2);
  if (IsRanked(bias) && bias->rank() != 1) {
    return StrCat("operand 2 (bias) has rank ", bias->rank(), ", but must be 1-D");
  }
  const Dim* len = StaticDimAt(bias, 0);
  if (len && out_c && len->size() != *out_c) {
    return StrCat("operand 2 (bias) has ", len->size(), " elements, but the weight has ", *out_c,
                  " output channels");
  }
  return std::nullopt;
}

// The result keeps the input's rank and batch and has `out_c` channels along `channel_axis`.
Problem CheckConvResult(const Op& op, int channel_axis, std::optional<int64_t> out_c) {
  const TensorType* x = OperandType(op, 0);
  const TensorType* y = ResultType(op);
  if (!IsRanked(y)) return std::nullopt;
  if (IsRanked(x) && y->rank() != x->rank()) {
    return StrCat("result 0 has rank ", y->rank(), ", but the input has rank ", x->rank());
  }
  if (Conflict(DimAt(y, 0), DimAt(x, 0))) {
    return StrCat("result 0 has batch ", DimAt(y, 0)->ToString(), ", but the input has ",
                  DimAt(x, 0)->ToString());
  }
  const Dim* y_c = StaticDimAt(y, channel_axis);
  if (y_c && out_c && y_c->size() != *out_c) {
    return StrCat("result 0 has ", y_c->size(), " channels, but the weight gives ", *out_c,
                  " output channels");
  }
  return std::nullopt;
}

// Layout "NHWC" (ir/layout.h) takes rank-4 operand 0 and result only.
Problem CheckNhwcRanks(const Op& op) {
  const TensorType* x = OperandType(op, 0);
  const TensorType* y = ResultType(op);
  if (IsRanked(x) && x->rank() != 4) {
    return StrCat("operand 0 has rank ", x->rank(), ", but layout \"NHWC\" takes [N,H,W,C] only");
  }
  if (IsRanked(y) && y->rank() != 4) {
    return StrCat("result 0 has rank ", y->rank(), ", but layout \"NHWC\" gives [N,H,W,C] only");
  }
  return std::nullopt;
}

// NHWC conv: x [N, H, W, C_in]; weight [C_out, k_h, k_w, C_in / group], or [1, k_h, k_w, C_out]
// when depthwise (group > 1, C_in == group); result [N, H_out, W_out, C_out].
Problem CheckConvNhwc(const Op& op) {
  if (Problem p = CheckNhwcRanks(op)) return p;
  const TensorType* x = OperandType(op, 0);
  const TensorType* w = OperandType(op, 1);
  if (IsRanked(w) && w->rank() != 4) {
    return StrCat("operand 1 has rank ", w->rank(), ", but an NHWC conv takes a 4-D weight");
  }
  const int64_t group = op.attrs().GetInt("group", 1);
  if (group < 1) return StrCat("group is ", group, ", but must be positive");
  const Dim* in_c = StaticDimAt(x, 3);
  const Dim* w0 = StaticDimAt(w, 0);
  const Dim* w3 = StaticDimAt(w, 3);
  const NhwcWeightForm form =
      NhwcConvWeightForm(group, w0 ? std::optional<int64_t>(w0->size()) : std::nullopt);
  std::optional<int64_t> out_c;
  if (form == NhwcWeightForm::kDepthwise) {
    if (in_c && in_c->size() != group) {
      return StrCat("operand 1 is a depthwise weight ", w->shape().ToString(),
                    " [1,k_h,k_w,C_out], but the input has ", in_c->size(),
                    " channels and group is ", group, " (they must be equal)");
    }
    if (w3) out_c = w3->size();
  } else {
    if (in_c && w3 && w3->size() * group != in_c->size()) {
      return StrCat("operand 1 has ", w3->size(), " input channels x group ", group,
                    ", but the input has ", in_c->size());
    }
    if (w0) out_c = w0->size();
  }
  if (out_c && *out_c % group != 0) {
    return StrCat("operand 1 has ", *out_c, " output channels, not a multiple of group ", group);
  }
  if (Problem p = CheckKernelShape(op, w, 1, 2)) return p;
  if (Problem p = CheckConvBias(op, out_c)) return p;
  return CheckConvResult(op, 3, out_c);
}

// conv: weight [C_out, C_in / group, k...]; conv_transpose: weight [C_in, C_out / group, k...].
Problem CheckConv(const Op& op) {
  const bool transpose = op.kind() == OpKind::kConvTranspose;
  Expected<Layout> layout = GetLayout(op);
  if (!layout) return layout.error().message();
  if (*layout == Layout::kNhwc) {
    if (transpose) return "layout \"NHWC\" is not supported by conv_transpose (NCHW only)";
    return CheckConvNhwc(op);
  }
  const TensorType* x = OperandType(op, 0);
  const TensorType* w = OperandType(op, 1);
  if (IsRanked(x) && x->rank() < 3) {
    return StrCat("operand 0 has rank ", x->rank(), ", but ", op.kind_name(),
                  " needs [N,C,spatial...]");
  }
  if (IsRanked(x) && IsRanked(w) && w->rank() != x->rank()) {
    return StrCat("operand 1 has rank ", w->rank(), ", but the input has rank ", x->rank());
  }
  const int64_t group = op.attrs().GetInt("group", 1);
  if (group < 1) return StrCat("group is ", group, ", but must be positive");

  const Dim* in_c = StaticDimAt(x, 1);
  const Dim* w0 = StaticDimAt(w, 0);
  const Dim* w1 = StaticDimAt(w, 1);
  std::optional<int64_t> out_c;
  if (!transpose) {
    if (in_c && w1 && w1->size() * group != in_c->size()) {
      return StrCat("operand 1 has ", w1->size(), " input channels x group ", group,
                    ", but the input has ", in_c->size());
    }
    if (w0) out_c = w0->size();
  } else {
    if (in_c && w0 && w0->size() != in_c->size()) {
      return StrCat("operand 1 has ", w0->size(), " input channels, but the input has ",
                    in_c->size());
    }
    if (w1) out_c = w1->size() * group;
  }
  if (IsRanked(w)) {
    if (Problem p = CheckKernelShape(op, w, 2, w->rank() - 2)) return p;
  }
  if (Problem p = CheckConvBias(op, out_c)) return p;
  return CheckConvResult(op, 1, out_c);
}

// max_pool, average_pool, global_average_pool, global_max_pool keep the input's rank, batch,
// channels and scalar type; a global pool's spatial dims are 1.
Problem CheckPool(const Op& op) {
  Expected<Layout> layout = GetLayout(op);
  if (!layout) return layout.error().message();
  const TensorType* x = OperandType(op, 0);
  const TensorType* y = ResultType(op);
  if (*layout == Layout::kNhwc) {
    if (Problem p = CheckNhwcRanks(op)) return p;
    if (op.num_results() > 1) {
      return "layout \"NHWC\" is not supported with max_pool's indices result (NCHW only)";
    }
  } else if (IsRanked(x) && x->rank() < 3) {
    return StrCat("operand 0 has rank ", x->rank(), ", but ", op.kind_name(),
                  " needs [N,C,spatial...]");
  }
  if (Problem p = CheckSameScalar(op)) return p;
  if (!IsRanked(x) || !IsRanked(y)) return std::nullopt;
  const int rank = x->rank();
  if (y->rank() != rank) {
    return StrCat("result 0 has rank ", y->rank(), ", but the input has rank ", rank);
  }
  const int c = ChannelAxis(*layout, rank);
  for (int axis : {0, c}) {
    if (Conflict(DimAt(y, axis), DimAt(x, axis))) {
      return StrCat("result 0 has shape ", y->shape().ToString(), ", but the input's ",
                    axis == 0 ? "batch" : "channels", " give ", x->shape().ToString());
    }
  }
  const bool global =
      op.kind() == OpKind::kGlobalAveragePool || op.kind() == OpKind::kGlobalMaxPool;
  for (int i = 0; global && i < rank - 2; ++i) {
    const Dim* d = StaticDimAt(y, FirstSpatialAxis(*layout) + i);
    if (d && d->size() != 1) {
      return StrCat("result 0 has shape ", y->shape().ToString(), ", but ", op.kind_name(),
                    " gives spatial dims of 1");
    }
  }
  return std::nullopt;
}

Problem CheckBatchNorm(const Op& op) {
  static constexpr std::string_view kOperandNames[] = {"input", "scale", "bias", "mean", "var"};
  const TensorType* x = OperandType(op, 0);
  if (IsRanked(x) && x->rank() < 2) {
    return StrCat("operand 0 has rank ", x->rank(), ", but batch_norm needs [N,C,...]");
  }
  const Dim* channels = DimAt(x, 1);
  for (int i = 1; i < 5; ++i) {
    const TensorType* t = OperandType(op, i);
    if (IsRanked(t) && t->rank() != 1) {
      return StrCat("operand ", i, " (", kOperandNames[i], ") has rank ", t->rank(),
                    ", but must be 1-D");
    }
    const Dim* len = DimAt(t, 0);
    if (Conflict(len, channels)) {
      return StrCat("operand ", i, " (", kOperandNames[i], ") has ", len->size(),
                    " elements, but the input has ", channels->size(), " channels");
    }
  }
  if (Problem p = CheckSameScalar(op)) return p;
  return CheckSameShape(op);
}

Problem CheckConcat(const Op& op) {
  const TensorType* first = OperandType(op, 0);
  for (int i = 1; i < op.num_operands(); ++i) {
    const TensorType* t = OperandType(op, i);
    if (t->scalar() != first->scalar()) {
      return StrCat("operand ", i, " is ", Scalar(t), ", but operand 0 is ", Scalar(first));
    }
  }
  if (Problem p = CheckSameScalar(op)) return p;

  int ref = -1;  // the first ranked operand
  for (int i = 0; i < op.num_operands(); ++i) {
    const TensorType* t = OperandType(op, i);
    if (!IsRanked(t)) continue;
    if (ref < 0) {
      ref = i;
    } else if (t->rank() != OperandType(op, ref)->rank()) {
      return StrCat("operand ", i, " has rank ", t->rank(), ", but operand ", ref, " has rank ",
                    OperandType(op, ref)->rank());
    }
  }
  if (ref < 0) return std::nullopt;
  const int rank = OperandType(op, ref)->rank();
  const int64_t axis_attr = op.attrs().GetInt("axis");
  if (axis_attr < -rank || axis_attr >= rank) {
    return StrCat("axis ", axis_attr, " is out of range for rank ", rank);
  }
  const int axis = static_cast<int>(axis_attr < 0 ? axis_attr + rank : axis_attr);

  for (int d = 0; d < rank; ++d) {
    if (d == axis) continue;
    int known = -1;  // an operand with a static dim d
    for (int i = 0; i < op.num_operands(); ++i) {
      const Dim* dim = StaticDimAt(OperandType(op, i), d);
      if (!dim) continue;
      if (known < 0) {
        known = i;
      } else if (Conflict(dim, DimAt(OperandType(op, known), d))) {
        return StrCat("operand ", i, " has shape ", OperandType(op, i)->shape().ToString(),
                      ", but operand ", known, " has ", OperandType(op, known)->shape().ToString(),
                      " (dims other than axis ", axis, " must agree)");
      }
    }
  }

  const TensorType* y = ResultType(op);
  if (!IsRanked(y)) return std::nullopt;
  if (y->rank() != rank) {
    return StrCat("result 0 has rank ", y->rank(), ", but the operands have rank ", rank);
  }
  int64_t sum = 0;
  bool sum_known = true;
  for (int i = 0; i < op.num_operands(); ++i) {
    const TensorType* t = OperandType(op, i);
    for (int d = 0; d < rank; ++d) {
      if (d != axis && Conflict(DimAt(y, d), DimAt(t, d))) {
        return StrCat("result 0 has shape ", y->shape().ToString(), ", but operand ", i, " has ",
                      t->shape().ToString());
      }
    }
    const Dim* a = StaticDimAt(t, axis);
    if (a) {
      sum += a->size();
    } else {
      sum_known = false;
    }
  }
  const Dim* y_axis = StaticDimAt(y, axis);
  if (sum_known && y_axis && y_axis->size() != sum) {
    return StrCat("result 0 has ", y_axis->size(), " along axis ", axis,
                  ", but the operands sum to ", sum);
  }
  return std::nullopt;
}

Problem CheckTranspose(const Op& op) {
  const TensorType* x = OperandType(op, 0);
  const TensorType* y = ResultType(op);
  std::vector<int64_t> perm;
  if (op.attrs().Has("perm")) {
    perm = op.attrs().GetInts("perm");
  } else if (IsRanked(x)) {
    for (int i = x->rank() - 1; i >= 0; --i) perm.push_back(i);
  } else {
    return std::nullopt;
  }
  const int n = IsRanked(x) ? x->rank() : static_cast<int>(perm.size());
  std::vector<bool> seen(n, false);
  bool ok = static_cast<int>(perm.size()) == n;
  for (size_t i = 0; ok && i < perm.size(); ++i) {
    ok = perm[i] >= 0 && perm[i] < n && !seen[perm[i]];
    if (ok) seen[perm[i]] = true;
  }
  if (!ok) {
    return StrCat("perm ", FormatAttrValue(perm), " is not a permutation of the operand's ", n,
                  " dims");
  }
  if (!IsRanked(x) || !IsRanked(y)) return std::nullopt;
  if (y->rank() != n) {
    return StrCat("result 0 has rank ", y->rank(), ", but the operand has rank ", n);
  }
  std::vector<Dim> dims;
  dims.reserve(perm.size());
  for (int64_t p : perm) dims.push_back(x->shape().dim(static_cast<int>(p)));
  Shape expected(std::move(dims));
  if (!Compatible(y->shape(), expected)) {
    return StrCat("result 0 has shape ", y->shape().ToString(), ", but transposing ",
                  x->shape().ToString(), " gives ", expected.ToString());
  }
  return std::nullopt;
}

Problem CheckQuantize(const Op& op) {
  const TensorType* x = OperandType(op, 0);
  const TensorType* y = ResultType(op);
  if (!IsFloat(x->scalar()) || x->is_quantized()) {
    return StrCat("operand 0 is ", x->ToString(), ", but quantize takes a float tensor");
  }
  if (!y->is_quantized() || !IsInteger(y->scalar())) {
    return StrCat("result 0 is ", y->ToString(),
                  ", but quantize produces a quantized integer tensor");
  }
  return CheckSameShape(op);
}

Problem CheckDequantize(const Op& op) {
  const TensorType* x = OperandType(op, 0);
  const TensorType* y = ResultType(op);
  if (!x->is_quantized()) {
    return StrCat("operand 0 is ", x->ToString(), ", but dequantize takes a quantized tensor");
  }
  if (!IsFloat(y->scalar()) || y->is_quantized()) {
    return StrCat("result 0 is ", y->ToString(), ", but dequantize produces a float tensor");
  }
  return CheckSameShape(op);
}

Problem CheckWhere(const Op& op) {
  const TensorType* cond = OperandType(op, 0);
  if (cond->scalar() != ScalarType::kBool) {
    return StrCat("operand 0 (condition) is ", Scalar(cond), ", but must be bool");
  }
  const TensorType* x = OperandType(op, 1);
  const TensorType* y = OperandType(op, 2);
  if (x->scalar() != y->scalar()) {
    return StrCat("operand 2 is ", Scalar(y), ", but operand 1 is ", Scalar(x));
  }
  if (Problem p = CheckSameScalar(op, 1)) return p;
  return CheckBroadcastShapes(op);
}

Problem CheckIf(const Op& op) {
  const TensorType* cond = OperandType(op, 0);
  if (cond->scalar() != ScalarType::kBool) {
    return StrCat("operand 0 (condition) is ", Scalar(cond), ", but must be bool");
  }
  if (IsRanked(cond)) {
    for (const Dim& d : cond->shape().dims()) {
      if (d.is_static() && d.size() != 1) {
        return StrCat("operand 0 (condition) has shape ", cond->shape().ToString(),
                      ", but must hold one element");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckOpShapes(const Op& op) {
  const OpSchema& schema = op.schema();
  if (schema.has(kShapePreserving)) return CheckShapePreserving(op);
  if (schema.has(kBroadcastBinary)) return CheckBroadcast(op);
  switch (op.kind()) {
    case OpKind::kMatMul:
      return CheckMatMul(op);
    case OpKind::kGemm:
      return CheckGemm(op);
    case OpKind::kLinear:
      return CheckLinear(op);
    case OpKind::kConv:
    case OpKind::kConvTranspose:
      return CheckConv(op);
    case OpKind::kMaxPool:
    case OpKind::kAveragePool:
    case OpKind::kGlobalAveragePool:
    case OpKind::kGlobalMaxPool:
      return CheckPool(op);
    case OpKind::kBatchNorm:
      return CheckBatchNorm(op);
    case OpKind::kConcat:
      return CheckConcat(op);
    case OpKind::kTranspose:
      return CheckTranspose(op);
    case OpKind::kQuantize:
      return CheckQuantize(op);
    case OpKind::kDequantize:
      return CheckDequantize(op);
    case OpKind::kCast:
      return CheckSameShape(op);
    case OpKind::kWhere:
      return CheckWhere(op);
    case OpKind::kIf:
      return CheckIf(op);
    default:
      return std::nullopt;
  }
}

}  // namespace kiln::ir
