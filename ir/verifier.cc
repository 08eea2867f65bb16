#include "ir/verifier.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/fused_activation.h"
#include "ir/number_format.h"
#include "ir/shape_checks.h"
#include "ir/str_cat.h"

namespace kiln::ir {
namespace {

// Equal types, or quantized types of one scalar and shape that differ in their parameters.
bool SameExceptQuantParams(const TensorType& a, const TensorType& b) {
  if (&a == &b) return true;
  return a.is_quantized() && b.is_quantized() && a.scalar() == b.scalar() && a.shape() == b.shape();
}

bool IsIdent(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
  });
}

// `%x`, `@net`, or the quoted form for names that are not identifiers, as the text IR spells them.
std::string Sigil(char sigil, std::string_view name) {
  return std::string(1, sigil) + (IsIdent(name) ? std::string(name) : QuoteString(name));
}

// " (%x)" for a named value, "" otherwise.
std::string NameSuffix(const Value* v) {
  return v && !v->name().empty() ? " (" + Sigil('%', v->name()) + ")" : "";
}

// The zero points [lo, hi] a scalar type can hold; nullopt when every int32 fits.
std::optional<std::pair<int64_t, int64_t>> ZeroPointRange(ScalarType t) {
  int bits = BitWidth(t);
  if (bits >= 32) return std::nullopt;
  if (IsSigned(t)) {
    int64_t half = int64_t{1} << (bits - 1);
    return std::pair<int64_t, int64_t>{-half, half - 1};
  }
  return std::pair<int64_t, int64_t>{0, (int64_t{1} << bits) - 1};
}

// The first problem of a type's quantization spec, phrased to follow "has type T: ".
std::optional<std::string> CheckQuant(const TensorType& t) {
  if (!t.is_quantized()) return std::nullopt;
  const QuantSpec& q = *t.quant();
  const Shape& shape = t.shape();
  if (!IsInteger(t.scalar())) return "quantization needs an integer scalar type";
  if (q.granularity != QuantGranularity::kPerTensor) {
    if (q.axis < 0) return StrCat("quantization axis ", q.axis, " is negative");
    if (shape.is_ranked() && q.axis >= shape.rank()) {
      return StrCat("quantization axis ", q.axis, " is out of range for rank ", shape.rank());
    }
  }
  if (q.granularity == QuantGranularity::kPerBlock && q.block_size <= 0) {
    return StrCat("block size ", q.block_size, " is not positive");
  }
  if (q.scales.empty()) return "quantization has no scales";
  std::optional<int64_t> expected = q.ExpectedScaleCount(shape);
  if (expected && *expected != static_cast<int64_t>(q.scales.size())) {
    return StrCat(q.scales.size(), " scales, but the shape needs ", *expected);
  }
  if (!q.zero_points.empty() && q.zero_points.size() != q.scales.size()) {
    return StrCat(q.zero_points.size(), " zero points for ", q.scales.size(), " scales");
  }
  for (size_t i = 0; i < q.scales.size(); ++i) {
    if (!std::isfinite(q.scales[i]) || q.scales[i] <= 0) {
      return StrCat("scale ", i, " is ", FormatFloat(q.scales[i]),
                    "; scales must be positive and finite");
    }
  }
  if (auto range = ZeroPointRange(t.scalar())) {
    for (size_t i = 0; i < q.zero_points.size(); ++i) {
      int64_t z = q.zero_points[i];
      if (z < range->first || z > range->second) {
        return StrCat("zero point ", i, " is ", z, ", outside ", ScalarTypeName(t.scalar()),
                      "'s range [", range->first, ", ", range->second, "]");
      }
    }
  }
  return std::nullopt;
}

std::string CountRange(int min, int max) {
  if (max < 0) return StrCat("at least ", min);
  if (min == max) return StrCat(min);
  return StrCat(min, " to ", max);
}

class Verifier {
 public:
  explicit Verifier(const Graph& top) : top_(top) {}

  Status Run() {
    Index(top_);
    for (const auto& entry : top_.pool().entries()) pool_entries_.insert(entry.get());
    SeedEnclosingValues();
    return VerifyBody(top_);
  }

 private:
  struct OpPlace {
    const Graph* graph;
    int index;
  };

  void Index(const Graph& g) {
    graphs_.insert(&g);
    int index = 0;
    for (const Op* op : g.ops()) {
      op_places_[op] = OpPlace{&g, index++};
      for (int r = 0; r < op->num_regions(); ++r) Index(op->region(r));
    }
  }

  // When `top_` is a region, the values its enclosing graphs define before it are in scope.
  void SeedEnclosingValues() {
    const Op* at = top_.parent_op();
    for (const Graph* g = top_.parent_graph(); g; at = g->parent_op(), g = g->parent_graph()) {
      for (int i = 0; i < g->num_inputs(); ++i) defined_.insert(g->input(i));
      for (int i = 0; i < g->num_constants(); ++i) defined_.insert(g->constant(i));
      for (const Op* op : g->ops()) {
        if (op == at) break;
        for (int i = 0; i < op->num_results(); ++i) defined_.insert(op->result(i));
      }
    }
  }

  // `<kind> "<name>" (op #<index> in @<graph>)`.
  std::string OpLabel(const Op& op) const {
    std::string label(op.kind_name());
    if (!op.name().empty()) label += " " + QuoteString(op.name());
    auto it = op_places_.find(&op);
    if (it == op_places_.end()) return label + " (outside the graph)";
    return StrCat(label, " (op #", it->second.index, " in ", Sigil('@', it->second.graph->name()),
                  ")");
  }

  Status OpError(const Op& op, std::string_view problem) const {
    return Status::Error(StrCat("verify: ", OpLabel(op), ": ", problem));
  }

  // `subject` names a value of `g` ("input 0 (%x)"); `problem` continues the sentence.
  static Status ValueError(const Graph& g, std::string_view subject, std::string_view problem) {
    return Status::Error(
        StrCat("verify: graph ", Sigil('@', g.name()), " ", subject, " ", problem));
  }

  // Why a value of type `t` is ill-typed ("has no type", "has type T: ..."), or nullopt.
  std::optional<std::string> TypeProblem(const TensorType* t) {
    if (!t) return std::string("has no type");
    if (checked_types_.count(t)) return std::nullopt;
    if (std::optional<std::string> problem = CheckQuant(*t)) {
      return StrCat("has type ", t->ToString(), ": ", *problem);
    }
    checked_types_.insert(t);
    return std::nullopt;
  }

  Status VerifyConstant(const Graph& g, const Value& v, std::string_view subject) {
    const Constant* c = v.constant();
    if (!c) return ValueError(g, subject, "refers to no pool entry");
    if (!pool_entries_.count(c)) {
      return ValueError(g, subject, "refers to a pool entry that is not in the graph's pool");
    }
    std::string entry = Sigil('@', c->name);
    if (v.type() != c->type) {
      return ValueError(g, subject,
                        StrCat("has type ", v.type()->ToString(), ", but its pool entry ", entry,
                               " has ", c->type ? c->type->ToString() : "no type"));
    }
    std::optional<int64_t> elements = v.type()->shape().num_elements();
    if (!elements) {
      return ValueError(
          g, subject,
          StrCat("has type ", v.type()->ToString(), ", but constants need a static shape"));
    }
    if (c->data) {
      int64_t bytes = StorageBytes(v.type()->scalar(), *elements);
      if (static_cast<int64_t>(c->data->size()) != bytes) {
        return ValueError(g, subject,
                          StrCat("refers to pool entry ", entry, " with ", c->data->size(),
                                 " bytes, but ", v.type()->ToString(), " needs ", bytes));
      }
    }
    return Status::Ok();
  }

  // Every use recorded on `v` points back at an operand or output slot holding `v`, once.
  Status VerifyUses(const Graph& g, const Value& v, std::string_view subject) const {
    std::set<std::tuple<const Op*, const Graph*, int>> seen;
    for (size_t k = 0; k < v.uses().size(); ++k) {
      const Use& use = v.uses()[k];
      std::string prefix = StrCat("use ", k, " ");
      if (!seen.insert({use.op, use.graph, use.index}).second) {
        return ValueError(g, subject, prefix + "is recorded twice");
      }
      if (use.op) {
        if (use.graph) return ValueError(g, subject, prefix + "names both an op and a graph");
        if (!op_places_.count(use.op)) {
          return ValueError(g, subject, prefix + "refers to an op outside the graph");
        }
        if (use.index < 0 || use.index >= use.op->num_operands() ||
            use.op->operand(use.index) != &v) {
          return ValueError(g, subject,
                            StrCat(prefix, "refers to operand ", use.index, " of ",
                                   OpLabel(*use.op), ", which does not hold this value"));
        }
      } else {
        if (!use.graph || !graphs_.count(use.graph)) {
          return ValueError(g, subject,
                            prefix + "refers to an output of a graph outside the graph");
        }
        if (use.index < 0 || use.index >= use.graph->num_outputs() ||
            use.graph->output(use.index) != &v) {
          return ValueError(
              g, subject,
              StrCat(prefix, "refers to output ", use.index, " of ", Sigil('@', use.graph->name()),
                     ", which does not hold this value"));
        }
      }
    }
    return Status::Ok();
  }

  // Why `v`, used in `g`, is not in scope there; nullopt when it is.
  std::optional<std::string> ScopeProblem(const Graph& g, const Value* v) const {
    if (!g.IsVisible(v)) {
      return StrCat("is not visible from ", Sigil('@', g.name()), ": it is defined in ",
                    v->graph() ? Sigil('@', v->graph()->name()) : "no graph");
    }
    if (!defined_.count(v)) return std::string("is used before its definition");
    return std::nullopt;
  }

  Status VerifyOperands(const Graph& g, const Op& op) {
    const OpSchema& schema = op.schema();
    const int n = op.num_operands();
    if (n < schema.min_operands || (schema.max_operands >= 0 && n > schema.max_operands)) {
      return OpError(op, StrCat("has ", n, " operands, but ", schema.name, " takes ",
                                CountRange(schema.min_operands, schema.max_operands)));
    }
    for (int i = 0; i < n; ++i) {
      const Value* v = op.operand(i);
      if (!v) {
        if (i < schema.min_operands) {
          return OpError(op, StrCat("operand ", i, " is required but absent"));
        }
        if (schema.max_operands < 0) {
          return OpError(op, StrCat("operand ", i, " is absent, but variadic operands cannot be"));
        }
        if (i == n - 1) {
          return OpError(op, StrCat("operand ", i, " is absent but last; drop it instead"));
        }
        continue;
      }
      std::string subject = StrCat("operand ", i, NameSuffix(v));
      if (std::optional<std::string> problem = ScopeProblem(g, v)) {
        return OpError(op, subject + " " + *problem);
      }
      if (std::find(v->uses().begin(), v->uses().end(), Use{const_cast<Op*>(&op), nullptr, i}) ==
          v->uses().end()) {
        return OpError(op, subject + " does not record this use");
      }
      if (!v->type()) return OpError(op, subject + " has no type");
    }
    return Status::Ok();
  }

  Status VerifyAttributes(const Op& op) {
    const OpSchema& schema = op.schema();
    for (const auto& [name, value] : op.attrs().entries()) {
      const AttrSchema* attr = schema.FindAttr(name);
      if (!attr) return OpError(op, StrCat("has unknown attribute '", name, "'"));
      if (KindOf(value) != attr->kind) {
        return OpError(op, StrCat("attribute '", name, "' is ", AttrKindName(KindOf(value)),
                                  ", but ", schema.name, " takes ", AttrKindName(attr->kind)));
      }
    }
    for (const AttrSchema& attr : schema.attrs) {
      if (attr.required && !op.attrs().Has(attr.name)) {
        return OpError(op, StrCat("is missing required attribute '", attr.name, "'"));
      }
    }
    return Status::Ok();
  }

  Status VerifyResults(const Graph& g, const Op& op) {
    const OpSchema& schema = op.schema();
    const int n = op.num_results();
    if (n < schema.min_results || (schema.max_results >= 0 && n > schema.max_results)) {
      return OpError(op, StrCat("has ", n, " results, but ", schema.name, " gives ",
                                CountRange(schema.min_results, schema.max_results)));
    }
    for (int i = 0; i < n; ++i) {
      const Value* r = op.result(i);
      std::string subject = StrCat("result ", i, NameSuffix(r));
      if (!r->is_op_result() || r->producer() != &op || r->result_index() != i ||
          r->graph() != &g) {
        return OpError(op, subject + " does not point back at this op");
      }
      if (std::optional<std::string> problem = TypeProblem(r->type())) {
        return OpError(op, subject + " " + *problem);
      }
    }
    return Status::Ok();
  }

  Status VerifyRegions(const Op& op) {
    for (int r = 0; r < op.num_regions(); ++r) {
      const Graph& region = op.region(r);
      if (region.parent_op() != &op) {
        return OpError(op, StrCat("region ", r, " does not point back at this op"));
      }
      // A region computes the op's results (the branches of `if`).
      if (region.num_outputs() != op.num_results()) {
        return OpError(op, StrCat("region ", r, " (", Sigil('@', region.name()), ") has ",
                                  region.num_outputs(), " outputs, but the op has ",
                                  op.num_results(), " results"));
      }
    }
    for (int r = 0; r < op.num_regions(); ++r) {
      if (Status s = VerifyBody(op.region(r)); !s.ok()) return s;
    }
    for (int r = 0; r < op.num_regions(); ++r) {
      const Graph& region = op.region(r);
      for (int i = 0; i < region.num_outputs(); ++i) {
        ScalarType have = region.output(i)->type()->scalar();
        ScalarType want = op.result(i)->type()->scalar();
        if (have != want) {
          return OpError(
              op, StrCat("region ", r, " (", Sigil('@', region.name()), ") output ", i, " is ",
                         ScalarTypeName(have), ", but result ", i, " is ", ScalarTypeName(want)));
        }
      }
    }
    return Status::Ok();
  }

  Status VerifyOp(const Graph& g, const Op& op) {
    if (op.graph() != &g) return OpError(op, "does not point back at its graph");
    if (Status s = VerifyOperands(g, op); !s.ok()) return s;
    if (Status s = VerifyResults(g, op); !s.ok()) return s;
    if (Status s = VerifyAttributes(op); !s.ok()) return s;
    if (HasFusedActivationAttrs(op.kind())) {
      if (Expected<FusedActivation> a = GetFusedActivation(op); !a) {
        return OpError(op, a.error().message());
      }
    }
    // The residual is added elementwise, without broadcasting: the result's shape and scalar
    // type (a quantized residual may have its own quantization parameters: the add is on real
    // values).
    if (const Value* r = ResidualOf(op);
        r && !SameExceptQuantParams(*r->type(), *op.result(0)->type())) {
      return OpError(op, StrCat("residual operand ", kResidualOperand, NameSuffix(r), " has type ",
                                r->type()->ToString(), ", but the result has ",
                                op.result(0)->type()->ToString(), "; they must be equal"));
    }
    if (op.num_regions() != op.schema().num_regions) {
      return OpError(op, StrCat("has ", op.num_regions(), " regions, but ", op.kind_name(),
                                " takes ", op.schema().num_regions));
    }
    if (std::optional<std::string> problem = CheckOpShapes(op)) return OpError(op, *problem);
    if (Status s = VerifyRegions(op); !s.ok()) return s;
    for (int i = 0; i < op.num_results(); ++i) defined_.insert(op.result(i));
    return Status::Ok();
  }

  Status VerifyBody(const Graph& g) {
    std::vector<const Value*> scope;  // values defined here, dropped when the graph ends
    for (int i = 0; i < g.num_inputs(); ++i) {
      const Value* v = g.input(i);
      std::string subject = StrCat("input ", i, NameSuffix(v));
      if (!v->is_input() || v->graph() != &g) {
        return ValueError(g, subject, "does not point back at its graph");
      }
      if (std::optional<std::string> problem = TypeProblem(v->type())) {
        return ValueError(g, subject, *problem);
      }
      defined_.insert(v);
      scope.push_back(v);
    }
    for (int i = 0; i < g.num_constants(); ++i) {
      const Value* v = g.constant(i);
      std::string subject = StrCat("constant ", i, NameSuffix(v));
      if (!v->is_constant() || v->graph() != &g) {
        return ValueError(g, subject, "does not point back at its graph");
      }
      if (std::optional<std::string> problem = TypeProblem(v->type())) {
        return ValueError(g, subject, *problem);
      }
      if (Status s = VerifyConstant(g, *v, subject); !s.ok()) return s;
      defined_.insert(v);
      scope.push_back(v);
    }
    for (const Op* op : g.ops()) {
      if (Status s = VerifyOp(g, *op); !s.ok()) return s;
      for (int i = 0; i < op->num_results(); ++i) scope.push_back(op->result(i));
    }
    for (int i = 0; i < g.num_outputs(); ++i) {
      const Value* v = g.output(i);
      const std::string& name = g.output_name(i);
      std::string subject =
          StrCat("output ", i, name.empty() ? "" : " " + QuoteString(name), NameSuffix(v));
      if (!v) return ValueError(g, subject, "is null");
      if (!v->type()) return ValueError(g, subject, "has no type");
      if (std::optional<std::string> problem = ScopeProblem(g, v)) {
        return ValueError(g, subject, *problem);
      }
      if (std::find(v->uses().begin(), v->uses().end(), Use{nullptr, const_cast<Graph*>(&g), i}) ==
          v->uses().end()) {
        return ValueError(g, subject, "does not record this use");
      }
    }
    for (int i = 0; i < g.num_inputs(); ++i) {
      const Value* v = g.input(i);
      if (Status s = VerifyUses(g, *v, StrCat("input ", i, NameSuffix(v))); !s.ok()) return s;
    }
    for (int i = 0; i < g.num_constants(); ++i) {
      const Value* v = g.constant(i);
      if (Status s = VerifyUses(g, *v, StrCat("constant ", i, NameSuffix(v))); !s.ok()) return s;
    }
    for (const Op* op : g.ops()) {
      for (int i = 0; i < op->num_results(); ++i) {
        const Value* v = op->result(i);
        std::string subject = StrCat("result ", i, NameSuffix(v), " of ", OpLabel(*op));
        if (Status s = VerifyUses(g, *v, subject); !s.ok()) return s;
      }
    }
    for (const Value* v : scope) defined_.erase(v);
    return Status::Ok();
  }

  const Graph& top_;
  std::unordered_map<const Op*, OpPlace> op_places_;
  std::unordered_set<const Graph*> graphs_;
  std::unordered_set<const Constant*> pool_entries_;
  std::unordered_set<const TensorType*> checked_types_;  // types whose quant spec passed
  std::unordered_set<const Value*> defined_;             // values in scope at this point
};

}  // namespace

Status VerifyGraph(const Graph& graph) { return Verifier(graph).Run(); }

}  // namespace kiln::ir
