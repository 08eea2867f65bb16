#include "passes/shapes/shape_values.h"

#include <algorithm>
#include <optional>

#include "passes/match.h"

namespace kiln {
namespace {

using Terms = std::vector<DimTerm>;

// Vectors longer than this are not shapes; they are not tracked.
constexpr size_t kMaxTerms = 64;

bool IsIntegerVector(const ir::Value* v) {
  const ir::TensorType* t = v->type();
  if (t->scalar() != ir::ScalarType::kI64 && t->scalar() != ir::ScalarType::kI32) return false;
  return t->shape().is_ranked() && t->rank() <= 1 && !t->is_quantized();
}

std::optional<DimTerm> Combine(ir::OpKind kind, const DimTerm& a, const DimTerm& b) {
  using K = DimTerm::Kind;
  if (a.is_constant() && b.is_constant()) {
    switch (kind) {
      case ir::OpKind::kMul:
        return DimTerm::Constant(a.value * b.value);
      case ir::OpKind::kAdd:
        return DimTerm::Constant(a.value + b.value);
      case ir::OpKind::kSub:
        return DimTerm::Constant(a.value - b.value);
      case ir::OpKind::kDiv:
        if (b.value == 0) return std::nullopt;
        return DimTerm::Constant(a.value / b.value);
      default:
        return std::nullopt;
    }
  }
  switch (kind) {
    case ir::OpKind::kMul: {
      if (a.is_constant() && a.value == 1) return b;
      if (b.is_constant() && b.value == 1) return a;
      const DimTerm& c = a.is_constant() ? a : b;
      const DimTerm& s = a.is_constant() ? b : a;
      if (!c.is_constant() || s.kind != K::kSymbol) return std::nullopt;
      DimTerm out = s;
      out.value *= c.value;
      return out;
    }
    case ir::OpKind::kDiv:
      if (b.is_constant() && b.value == 1) return a;
      if (a.kind == K::kSymbol && b.is_constant() && b.value != 0 && a.value % b.value == 0) {
        DimTerm out = a;
        out.value /= b.value;
        return out;
      }
      return std::nullopt;
    case ir::OpKind::kAdd:
      if (a.is_constant() && a.value == 0) return b;
      if (b.is_constant() && b.value == 0) return a;
      return std::nullopt;
    case ir::OpKind::kSub:
      if (b.is_constant() && b.value == 0) return a;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

DimTerm DimTerm::OfDim(const ir::Value* value, int i) {
  const ir::Dim& d = value->type()->shape().dim(i);
  if (d.is_static()) return Constant(d.size());
  if (d.is_symbolic()) return {Kind::kSymbol, 1, d.symbol(), nullptr, 0};
  return {Kind::kDimOf, 0, "", value, i};
}

bool DimTerm::IsDimOf(const ir::Value* value, int i) const {
  const ir::Shape& s = value->type()->shape();
  if (!s.is_ranked() || i < 0 || i >= s.rank()) return false;
  const ir::Dim& d = s.dim(i);
  switch (kind) {
    case Kind::kConstant:
      return d.is_static() && d.size() == this->value;
    case Kind::kSymbol:
      return this->value == 1 && d.is_symbolic() && d.symbol() == symbol;
    case Kind::kDimOf:
      return source == value && index == i;
  }
  return false;
}

ShapeValues::ShapeValues(const ir::Graph& graph) {
  for (const ir::Op* op : graph.ops()) Visit(*op);
}

const std::vector<DimTerm>* ShapeValues::Find(const ir::Value* value) {
  if (value == nullptr) return nullptr;
  auto it = terms_.find(value);
  if (it != terms_.end()) return &it->second;
  if (!value->is_constant() || !IsIntegerVector(value)) return nullptr;
  std::optional<std::vector<int64_t>> ints = IntConstant(value);
  if (!ints || ints->size() > kMaxTerms) return nullptr;
  Terms terms;
  for (int64_t v : *ints) terms.push_back(DimTerm::Constant(v));
  return &terms_.emplace(value, std::move(terms)).first->second;
}

void ShapeValues::Visit(const ir::Op& op) {
  if (op.num_results() != 1 || !IsIntegerVector(op.result())) return;
  Terms out;
  switch (op.kind()) {
    case ir::OpKind::kShape: {
      const ir::Value* x = op.operand(0);
      const ir::Shape& s = x->type()->shape();
      if (!s.is_ranked()) return;
      const int rank = s.rank();
      int64_t start = op.attrs().GetInt("start", 0);
      int64_t end = op.attrs().GetInt("end", rank);
      if (start < 0) start += rank;
      if (end < 0) end += rank;
      for (int64_t i = std::max<int64_t>(start, 0); i < std::min<int64_t>(end, rank); ++i) {
        out.push_back(DimTerm::OfDim(x, static_cast<int>(i)));
      }
      break;
    }
    case ir::OpKind::kGather: {
      const Terms* data = Find(op.operand(0));
      std::optional<std::vector<int64_t>> indices = IntConstant(op.operand(1));
      if (!data || !indices || op.attrs().GetInt("axis", 0) != 0) return;
      const int64_t n = static_cast<int64_t>(data->size());
      for (int64_t i : *indices) {
        if (i < 0) i += n;
        if (i < 0 || i >= n) return;
        out.push_back((*data)[i]);
      }
      break;
    }
    case ir::OpKind::kSlice: {
      const Terms* data = Find(op.operand(0));
      std::optional<std::vector<int64_t>> starts = IntConstant(op.operand(1));
      std::optional<std::vector<int64_t>> ends = IntConstant(op.operand(2));
      if (!data || !starts || !ends || starts->size() != 1 || ends->size() != 1) return;
      if (op.num_operands() > 3 && op.operand(3)) {
        std::optional<std::vector<int64_t>> axes = IntConstant(op.operand(3));
        if (!axes || axes->size() != 1 || ((*axes)[0] != 0 && (*axes)[0] != -1)) return;
      }
      if (op.num_operands() > 4 && op.operand(4)) {
        std::optional<std::vector<int64_t>> steps = IntConstant(op.operand(4));
        if (!steps || steps->size() != 1 || (*steps)[0] != 1) return;
      }
      const int64_t n = static_cast<int64_t>(data->size());
      int64_t s = (*starts)[0] < 0 ? (*starts)[0] + n : (*starts)[0];
      int64_t e = (*ends)[0] < 0 ? (*ends)[0] + n : (*ends)[0];
      s = std::clamp<int64_t>(s, 0, n);
      e = std::clamp<int64_t>(e, 0, n);
      for (int64_t i = s; i < e; ++i) out.push_back((*data)[i]);
      break;
    }
    case ir::OpKind::kConcat:
      for (const ir::Value* v : op.operands()) {
        const Terms* t = Find(v);
        if (!t) return;
        out.insert(out.end(), t->begin(), t->end());
      }
      break;
    case ir::OpKind::kUnsqueeze:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kIdentity:
    case ir::OpKind::kCast:
    case ir::OpKind::kReshape: {
      const Terms* t = Find(op.operand(0));
      if (!t) return;
      out = *t;
      break;
    }
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kAdd:
    case ir::OpKind::kSub: {
      const Terms* a = Find(op.operand(0));
      const Terms* b = Find(op.operand(1));
      if (!a || !b || a->empty() || b->empty()) return;
      if (a->size() != b->size() && a->size() != 1 && b->size() != 1) return;
      const size_t n = std::max(a->size(), b->size());
      for (size_t i = 0; i < n; ++i) {
        std::optional<DimTerm> t =
            Combine(op.kind(), (*a)[a->size() == 1 ? 0 : i], (*b)[b->size() == 1 ? 0 : i]);
        if (!t) return;
        out.push_back(*t);
      }
      break;
    }
    default:
      return;
  }
  if (out.size() > kMaxTerms) return;
  // A rank-0 result holds exactly one element; a rank-1 one as many as its static dim says.
  const ir::Shape& rs = op.result()->type()->shape();
  if (rs.rank() == 0 && out.size() != 1) return;
  if (rs.rank() == 1 && rs.dim(0).is_static() &&
      rs.dim(0).size() != static_cast<int64_t>(out.size())) {
    return;
  }
  terms_.emplace(op.result(), std::move(out));
}

}  // namespace kiln
