#include "passes/cleanup/cse.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "passes/pass_context.h"

namespace kiln {
namespace {

void Mix(uint64_t& h, uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2); }

uint64_t Bits(double d) {
  uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof(bits));
  return bits;
}

// Attribute equality that tells 0.0 from -0.0 and lets a NaN equal the same NaN: merging
// must never change what an op computes.
bool SameAttrValue(const ir::AttrValue& a, const ir::AttrValue& b) {
  if (a.index() != b.index()) return false;
  if (const double* x = std::get_if<double>(&a)) return Bits(*x) == Bits(std::get<double>(b));
  if (const auto* x = std::get_if<std::vector<double>>(&a)) {
    const auto& y = std::get<std::vector<double>>(b);
    return x->size() == y.size() &&
           std::equal(x->begin(), x->end(), y.begin(),
                      [](double p, double q) { return Bits(p) == Bits(q); });
  }
  return a == b;
}

bool SameAttrs(const ir::AttrMap& a, const ir::AttrMap& b) {
  return a.size() == b.size() &&
         std::equal(a.entries().begin(), a.entries().end(), b.entries().begin(),
                    [](const ir::AttrMap::Entry& x, const ir::AttrMap::Entry& y) {
                      return x.first == y.first && SameAttrValue(x.second, y.second);
                    });
}

void HashAttrs(uint64_t& h, const ir::AttrMap& attrs) {
  for (const auto& [name, value] : attrs.entries()) {
    Mix(h, std::hash<std::string>()(name));
    Mix(h, value.index());
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, int64_t>) {
            Mix(h, static_cast<uint64_t>(v));
          } else if constexpr (std::is_same_v<T, double>) {
            Mix(h, Bits(v));
          } else if constexpr (std::is_same_v<T, std::string>) {
            Mix(h, std::hash<std::string>()(v));
          } else {
            Mix(h, v.size());  // lists: the length is enough to spread them
          }
        },
        value);
  }
}

// An op as CSE compares it: operands in canonical order (sorted by definition order for
// commutative ops, so the result does not depend on pointer values).
struct OpKey {
  ir::Op* op;
  std::vector<int> operands;  // definition numbers; -1 for an absent operand
  uint64_t hash;
};

class Cse {
 public:
  explicit Cse(ir::Graph& graph) { Number(graph); }

  void Run(ir::Graph& graph) {
    scopes_.emplace_back();
    // Copies: merging erases constants and ops while we walk.
    std::vector<ir::Value*> constants;
    constants.reserve(graph.num_constants());
    for (int i = 0; i < graph.num_constants(); ++i) constants.push_back(graph.constant(i));
    for (ir::Value* constant : constants) {
      if (ir::Value* earlier = FindConstant(constant)) {
        constant->ReplaceAllUsesWith(earlier);
        graph.EraseConstant(constant);
        ++constants_merged;
      } else {
        scopes_.back().constants[constant->type()].push_back(constant);
      }
    }
    for (ir::Op* op : graph.OpList()) {
      if (op->num_regions() > 0) {
        for (int r = 0; r < op->num_regions(); ++r) Run(op->region(r));
        continue;
      }
      OpKey key = MakeKey(op);
      if (ir::Op* earlier = FindOp(key)) {
        for (int i = 0; i < op->num_results(); ++i) {
          op->result(i)->ReplaceAllUsesWith(earlier->result(i));
        }
        graph.EraseOp(op);
        ++ops_merged;
      } else {
        scopes_.back().ops.emplace(key.hash, std::move(key));
      }
    }
    scopes_.pop_back();
  }

  int ops_merged = 0;
  int constants_merged = 0;

 private:
  struct Scope {
    std::unordered_multimap<uint64_t, OpKey> ops;
    std::unordered_map<const ir::TensorType*, std::vector<ir::Value*>> constants;
  };

  void Number(const ir::Graph& graph) {
    for (int i = 0; i < graph.num_inputs(); ++i) number_.emplace(graph.input(i), number_.size());
    for (int i = 0; i < graph.num_constants(); ++i) {
      number_.emplace(graph.constant(i), number_.size());
    }
    for (const ir::Op* op : graph.ops()) {
      for (int r = 0; r < op->num_regions(); ++r) Number(op->region(r));
      for (int i = 0; i < op->num_results(); ++i) number_.emplace(op->result(i), number_.size());
    }
  }

  OpKey MakeKey(ir::Op* op) const {
    OpKey key{op, {}, 0};
    for (const ir::Value* v : op->operands()) key.operands.push_back(v ? number_.at(v) : -1);
    if (op->schema().has(ir::kCommutative)) std::sort(key.operands.begin(), key.operands.end());
    uint64_t h = static_cast<uint64_t>(op->kind());
    for (int n : key.operands) Mix(h, static_cast<uint64_t>(n));
    for (int i = 0; i < op->num_results(); ++i) {
      Mix(h, reinterpret_cast<uintptr_t>(op->result(i)->type()));
    }
    HashAttrs(h, op->attrs());
    key.hash = h;
    return key;
  }

  static bool Equivalent(const OpKey& a, const OpKey& b) {
    if (a.hash != b.hash || a.op->kind() != b.op->kind() || a.operands != b.operands ||
        a.op->num_results() != b.op->num_results()) {
      return false;
    }
    for (int i = 0; i < a.op->num_results(); ++i) {
      if (a.op->result(i)->type() != b.op->result(i)->type()) return false;
    }
    return SameAttrs(a.op->attrs(), b.op->attrs());
  }

  // Outermost scope first: whatever matches comes before `key.op` in program order.
  ir::Op* FindOp(const OpKey& key) const {
    for (const Scope& scope : scopes_) {
      auto [begin, end] = scope.ops.equal_range(key.hash);
      for (auto it = begin; it != end; ++it) {
        if (Equivalent(it->second, key)) return it->second.op;
      }
    }
    return nullptr;
  }

  ir::Value* FindConstant(ir::Value* constant) {
    for (const Scope& scope : scopes_) {
      auto it = scope.constants.find(constant->type());
      if (it == scope.constants.end()) continue;
      for (ir::Value* candidate : it->second) {
        if (SameConstant(candidate, constant)) return candidate;
      }
    }
    return nullptr;
  }

  bool SameConstant(ir::Value* a, ir::Value* b) {
    const ir::Constant* x = a->constant();
    const ir::Constant* y = b->constant();
    if (x == y) return true;
    if (!x->data || !y->data) return false;  // elided data: only the same entry is known equal
    return ContentHash(x) == ContentHash(y) && x->data->SameBytes(*y->data);
  }

  // Hashed only when two constants of one type meet, so unique weights are never read.
  uint64_t ContentHash(const ir::Constant* c) {
    auto it = hashes_.find(c);
    if (it == hashes_.end()) it = hashes_.emplace(c, c->data->ContentHash()).first;
    return it->second;
  }

  std::unordered_map<const ir::Value*, int> number_;
  std::unordered_map<const ir::Constant*, uint64_t> hashes_;
  std::vector<Scope> scopes_;
};

}  // namespace

PassResult CommonSubexpressionEliminationPass::run(ir::Graph& graph, PassContext& ctx) {
  Cse cse(graph);
  cse.Run(graph);
  if (cse.ops_merged) ctx.AddStatistic("ops-merged", cse.ops_merged);
  if (cse.constants_merged) ctx.AddStatistic("constants-merged", cse.constants_merged);
  return PassResult::ChangedIf(cse.ops_merged || cse.constants_merged);
}

}  // namespace kiln
