#include "passes/layout/transpose_folds.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/scalar_type.h"
#include "passes/fusion/fusion_rewrite.h"
#include "passes/layout/layout_rewrite.h"
#include "passes/layout/permutation.h"
#include "passes/match.h"
#include "passes/shapes/shape_inference.h"

namespace kiln {
namespace {

bool IsStaticOne(const ir::Dim& d) { return d.is_static() && d.size() == 1; }

// Some user of `v` could still move a transpose of it further down.
bool HasSinkingUser(const ir::Value* v) {
  for (const ir::Use& use : v->uses()) {
    if (use.op == nullptr) continue;
    if (use.op->kind() == ir::OpKind::kTranspose || IsSinkableUnary(*use.op) ||
        IsSinkableBinary(*use.op)) {
      return true;
    }
  }
  return false;
}

// A product of dims: static sizes multiplied, symbols listed (sorted); unknown when a dim is.
struct DimProduct {
  int64_t size = 1;
  std::vector<std::string> symbols;
  bool known = true;
  bool operator==(const DimProduct&) const = default;
};

DimProduct Product(const std::vector<ir::Dim>& dims, int begin, int end) {
  DimProduct p;
  for (int i = begin; i < end; ++i) {
    const ir::Dim& d = dims[i];
    if (d.is_static()) {
      p.size *= d.size();
    } else if (d.is_symbolic()) {
      p.symbols.push_back(d.symbol());
    } else {
      p.known = false;
    }
  }
  std::sort(p.symbols.begin(), p.symbols.end());
  return p;
}

// Flatten's axis for an operand of rank `rank`, in [0, rank]; nullopt when out of range.
std::optional<int> FlattenAxis(const ir::Op& flatten, int rank) {
  int64_t axis = flatten.attrs().GetInt("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank) return std::nullopt;
  return static_cast<int>(axis);
}

// The index into the rows of a 2-D weight that row `k` of x's order comes from (see
// FoldTransposeIntoWeights): x's dims after the first are `tail`, transposed by `perm`.
std::vector<int64_t> RowSources(const std::vector<int64_t>& tail, const Perm& perm) {
  const int n = static_cast<int>(tail.size());
  // Strides of the transposed tail, indexed by the x dim each transposed dim reads.
  std::vector<int64_t> stride_of_x_dim(n);
  int64_t stride = 1;
  for (int j = n - 1; j >= 0; --j) {
    stride_of_x_dim[perm[j + 1] - 1] = stride;
    stride *= tail[perm[j + 1] - 1];
  }
  std::vector<int64_t> rows(stride);
  std::vector<int64_t> index(n, 0);
  int64_t from = 0;
  for (int64_t k = 0; k < stride; ++k) {
    rows[k] = from;
    for (int d = n - 1; d >= 0; --d) {
      from += stride_of_x_dim[d];
      if (++index[d] < tail[d]) break;
      from -= stride_of_x_dim[d] * tail[d];
      index[d] = 0;
    }
  }
  return rows;
}

// The weight operand of `user` if it reads `flat` only as operand 0 the way
// FoldTransposeIntoWeights can follow, with K == `k`; `by_columns` says K is the weight's
// dim 1 (gemm trans_b 1).
ir::Value* FoldableWeight(const ir::Use& use, const ir::Value* flat, int64_t k, bool& by_columns) {
  const ir::Op* user = use.op;
  if (user == nullptr || use.index != 0 || user->num_operands() < 2 || user->operand(1) == flat) {
    return nullptr;
  }
  by_columns = false;
  switch (user->kind()) {
    case ir::OpKind::kGemm:
      if (user->attrs().GetInt("trans_a", 0) != 0) return nullptr;
      by_columns = user->attrs().GetInt("trans_b", 0) != 0;
      break;
    case ir::OpKind::kLinear:
    case ir::OpKind::kMatMul:
      break;
    default:
      return nullptr;
  }
  ir::Value* w = user->operand(1);
  std::optional<std::vector<int64_t>> sizes = StaticSizes(w->type());
  if (!w->is_constant() || !IsLayoutFree(w->type()) || !sizes || sizes->size() != 2 ||
      (*sizes)[by_columns ? 1 : 0] != k || ir::BitWidth(w->type()->scalar()) % 8 != 0 ||
      ConstantData(w) == nullptr) {
    return nullptr;
  }
  return w;
}

// A new constant: `w` with row r (or column, `by_columns`) taken from rows[r] of the old one.
ir::Value* PermuteWeightRows(ir::Graph& graph, const ir::Value* w, const std::vector<int64_t>& rows,
                             bool by_columns) {
  const std::vector<int64_t> sizes = w->type()->shape().static_sizes();
  const int64_t elem = ir::BitWidth(w->type()->scalar()) / 8;
  const uint8_t* in = ConstantData(w)->data();
  std::vector<uint8_t> out(sizes[0] * sizes[1] * elem);
  for (int64_t i = 0; i < sizes[0]; ++i) {
    for (int64_t j = 0; j < sizes[1]; ++j) {
      const int64_t from = by_columns ? i * sizes[1] + rows[j] : rows[i] * sizes[1] + j;
      std::memcpy(out.data() + (i * sizes[1] + j) * elem, in + from * elem, elem);
    }
  }
  const std::string name(ConstantName(w));
  ir::Value* v = graph.AddConstant(w->type(), ir::TensorData::FromBytes(std::move(out)),
                                   (name.empty() ? "weight" : name) + "_rows");
  v->set_name(v->constant()->name);
  return v;
}

}  // namespace

const char* TransposeToReshape(ir::Op& transpose) {
  std::optional<Perm> perm = TransposePerm(transpose);
  ir::Value* x = transpose.operand(0);
  ir::Value* y = transpose.result(0);
  const ir::Shape& xs = x->type()->shape();
  if (!perm || IsIdentityPerm(*perm) || !xs.is_ranked() || !y->type()->shape().is_ranked() ||
      !IsLayoutFree(x->type()) || !SameElements(x->type(), y->type()) || HasSinkingUser(y)) {
    return nullptr;
  }
  int64_t last = -1;
  for (int64_t p : *perm) {
    if (IsStaticOne(xs.dim(static_cast<int>(p)))) continue;
    if (p < last) return nullptr;
    last = p;
  }
  std::optional<ir::Shape> out = MergeShapes(y->type()->shape(), PermuteShape(xs, *perm));
  if (!out) return nullptr;
  // Static sizes; a symbolic dim where x has the same one is 0 (copied); one other is -1.
  std::vector<int64_t> target;
  bool inferred = false;
  for (int i = 0; i < out->rank(); ++i) {
    const ir::Dim& d = out->dim(i);
    if (d.is_static()) {
      target.push_back(d.size());
    } else if (d.is_symbolic() && xs.dim(i) == d) {
      target.push_back(0);
    } else if (!inferred) {
      target.push_back(-1);
      inferred = true;
    } else {
      return nullptr;
    }
  }
  ir::Graph& graph = *transpose.graph();
  ir::Value* shape = AddIntConstant(graph, {static_cast<int64_t>(target.size())}, target, "shape");
  ir::Op* reshape = graph.CreateOp(ir::OpKind::kReshape, {x, shape},
                                   {graph.context().WithShape(y->type(), *out)}, {}, &transpose);
  TakeOverResult(reshape->result(0), y);
  graph.EraseOp(&transpose);
  return "transposes-to-reshapes";
}

const char* FoldFlattenOfReshape(ir::Op& flatten) {
  ir::Op* reshape = ProducerOf(flatten.operand(0), ir::OpKind::kReshape);
  if (reshape == nullptr || reshape->operand(0) == nullptr) return nullptr;
  ir::Value* x = reshape->operand(0);
  const ir::Shape& xs = x->type()->shape();
  const ir::Shape& ms = reshape->result(0)->type()->shape();
  if (!xs.is_ranked() || !ms.is_ranked() || !IsLayoutFree(x->type()) ||
      !SameElements(x->type(), reshape->result(0)->type())) {
    return nullptr;
  }
  std::optional<int> axis = FlattenAxis(flatten, ms.rank());
  if (!axis) return nullptr;
  const DimProduct head = Product(ms.dims(), 0, *axis);
  const DimProduct tail = Product(ms.dims(), *axis, ms.rank());
  if (!head.known || !tail.known) return nullptr;
  for (int a = 0; a <= xs.rank(); ++a) {
    if (Product(xs.dims(), 0, a) == head && Product(xs.dims(), a, xs.rank()) == tail) {
      flatten.SetOperand(0, x);
      flatten.attrs().Set("axis", int64_t{a});
      EraseIfDead(reshape);
      return "flattens-folded";
    }
  }
  return nullptr;
}

const char* FoldTransposeIntoWeights(ir::Op& flatten) {
  ir::Op* t = ProducerOf(flatten.operand(0), ir::OpKind::kTranspose);
  std::optional<Perm> perm = t ? TransposePerm(*t) : std::nullopt;
  ir::Value* flat = flatten.result(0);
  if (!perm || perm->size() < 2 || (*perm)[0] != 0 || IsIdentityPerm(*perm) || !flat->has_uses()) {
    return nullptr;
  }
  ir::Value* x = t->operand(0);
  const ir::Shape& xs = x->type()->shape();
  if (!xs.is_ranked() || xs.rank() != static_cast<int>(perm->size()) || !IsLayoutFree(x->type()) ||
      !SameElements(x->type(), t->result(0)->type()) || FlattenAxis(flatten, xs.rank()) != 1) {
    return nullptr;
  }
  std::vector<int64_t> tail;
  for (int i = 1; i < xs.rank(); ++i) {
    if (!xs.dim(i).is_static()) return nullptr;
    tail.push_back(xs.dim(i).size());
  }
  const int64_t k = Product(xs.dims(), 1, xs.rank()).size;
  std::vector<std::pair<ir::Op*, bool>> users;  // (user, by_columns)
  for (const ir::Use& use : flat->uses()) {
    bool by_columns = false;
    if (FoldableWeight(use, flat, k, by_columns) == nullptr) return nullptr;
    users.emplace_back(use.op, by_columns);
  }
  const std::vector<int64_t> rows = RowSources(tail, *perm);
  for (auto [user, by_columns] : users) {
    user->SetOperand(1, PermuteWeightRows(*user->graph(), user->operand(1), rows, by_columns));
  }
  flatten.SetOperand(0, x);
  EraseIfDead(t);
  return "transposes-into-weights";
}

}  // namespace kiln
