#include "passes/cleanup/fold_constants.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ir/str_cat.h"
#include "passes/pass_context.h"
#include "passes/shapes/shape_inference.h"
#include "runtime/reference/interpreter/executor.h"

namespace kiln {
namespace {

constexpr std::string_view kPassName = "fold-constants";

// A result size that no budget admits (also what an overflowing size becomes).
constexpr int64_t kHugeBytes = int64_t{1} << 62;

// The bytes of a computed tensor as a pool entry's data, shared rather than copied.
class TensorBytes final : public ir::TensorData {
 public:
  explicit TensorBytes(ref::Tensor tensor) : tensor_(std::move(tensor)) {}
  const uint8_t* data() const override { return static_cast<const uint8_t*>(tensor_.raw()); }
  size_t size() const override { return static_cast<size_t>(tensor_.num_bytes()); }

 private:
  ref::Tensor tensor_;
};

// Bytes of a tensor of `scalar` with `shape`; nullopt when the shape is not static.
std::optional<int64_t> StaticBytes(ir::ScalarType scalar, const ir::Shape& shape) {
  if (!shape.is_ranked() || !shape.is_static()) return std::nullopt;
  // Elements are at most 8 bytes: a count past kHugeBytes / 8 is huge in any type.
  constexpr int64_t kMaxCount = kHugeBytes / 8;
  int64_t n = 1;
  for (const ir::Dim& d : shape.dims()) {
    if (d.size() != 0 && n > kMaxCount / d.size()) return kHugeBytes;
    n *= d.size();
  }
  return ir::StorageBytes(scalar, n);
}

class ConstantFolder {
 public:
  ConstantFolder(ir::Graph& graph, int64_t max_growth_bytes)
      : graph_(graph), max_growth_bytes_(std::min(max_growth_bytes, kHugeBytes)) {
    CountEntryReferences(graph);
  }

  // Root ops only, in program order, so a chain of foldable ops folds in one run.
  void Run() {
    for (ir::Op* op : graph_.OpList()) TryFold(*op);
  }

  int64_t folded = 0;
  int64_t bytes_added = 0;
  int64_t kept_too_large = 0;
  int64_t kept_unknown_size = 0;
  int64_t failed = 0;

 private:
  // How many constant values (in the whole graph tree) refer to each pool entry: an entry's
  // bytes leave the file only when no value refers to it any more.
  void CountEntryReferences(const ir::Graph& graph) {
    for (int i = 0; i < graph.num_constants(); ++i) ++references_[graph.constant(i)->constant()];
    for (const ir::Op* op : graph.ops()) {
      for (int r = 0; r < op->num_regions(); ++r) CountEntryReferences(op->region(r));
    }
  }

  static bool IsCandidate(const ir::Op& op) {
    if (op.num_regions() > 0 || op.kind() == ir::OpKind::kDropout) return false;
    // dequantize(const) is how the QDQ form stores quantized weights and biases: the targets
    // read the quantized constant (fold-qdq); folded, the op would run in float.
    if (op.kind() == ir::OpKind::kDequantize) return false;
    bool any_operand = false;
    for (const ir::Value* v : op.operands()) {
      if (v == nullptr) continue;
      if (!v->is_constant() || v->constant() == nullptr || v->constant()->data == nullptr) {
        return false;
      }
      any_operand = true;
    }
    bool any_used = false;
    for (int i = 0; i < op.num_results(); ++i) {
      if (op.result(i)->type()->is_quantized()) return false;
      any_used = any_used || op.result(i)->has_uses();
    }
    return any_operand && any_used;
  }

  // Bytes of the operand constants that only `op` uses and whose entries no other value shares.
  int64_t FreedBytes(const ir::Op& op) {
    int64_t freed = 0;
    std::vector<const ir::Value*> seen;
    for (const ir::Value* v : op.operands()) {
      if (v == nullptr || std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
      seen.push_back(v);
      // More uses than `op` has operands: someone else uses it (and the scan stays short).
      if (v->uses().size() > static_cast<size_t>(op.num_operands())) continue;
      const bool only_here = std::all_of(v->uses().begin(), v->uses().end(),
                                         [&](const ir::Use& u) { return u.op == &op; });
      if (only_here && references_[v->constant()] == 1) {
        freed += static_cast<int64_t>(v->constant()->data->size());
      }
    }
    return freed;
  }

  // Bytes of the used results, from their types made as precise as shape inference can; nullopt
  // when a used result's shape stays unknown (or its type contradicts the inferred shape).
  static std::optional<int64_t> PredictedBytes(const ir::Op& op) {
    std::vector<std::optional<ir::Shape>> inferred = InferResultShapes(op);
    int64_t total = 0;
    for (int i = 0; i < op.num_results(); ++i) {
      const ir::Value* r = op.result(i);
      if (!r->has_uses()) continue;
      ir::Shape shape = r->type()->shape();
      if (i < static_cast<int>(inferred.size()) && inferred[i]) {
        // A type that contradicts the operands is no bound on what the kernel allocates.
        std::optional<ir::Shape> merged = MergeShapes(shape, *inferred[i]);
        if (!merged) return std::nullopt;
        shape = std::move(*merged);
      }
      std::optional<int64_t> bytes = StaticBytes(r->type()->scalar(), shape);
      if (!bytes) return std::nullopt;
      total = std::min(total + *bytes, kHugeBytes);
    }
    return total;
  }

  // Runs a copy of `op` over its operand constants (sharing their bytes) in a graph of its own.
  Expected<std::vector<ref::Tensor>> Evaluate(const ir::Op& op) {
    ir::Graph scratch(graph_.context(), "fold");
    std::unordered_map<const ir::Value*, ir::Value*> copies;
    std::vector<ir::Value*> operands;
    for (const ir::Value* v : op.operands()) {
      if (v == nullptr) {
        operands.push_back(nullptr);
        continue;
      }
      auto [it, inserted] = copies.emplace(v, nullptr);
      if (inserted) {
        const ir::Constant* c = v->constant();
        it->second = scratch.AddConstant(v->type(), c->data, c->name);
      }
      operands.push_back(it->second);
    }
    std::vector<const ir::TensorType*> types;
    for (int i = 0; i < op.num_results(); ++i) types.push_back(op.result(i)->type());
    ir::Op* copy = scratch.CreateOp(op.kind(), std::move(operands), types, op.attrs());
    copy->set_name(op.name());
    for (int i = 0; i < op.num_results(); ++i) {
      copy->result(i)->set_name(op.result(i)->name());
      scratch.AddOutput(copy->result(i));
    }
    return ref::CreateReferenceExecutor(scratch)->Run({});
  }

  void TryFold(ir::Op& op) {
    if (!IsCandidate(op)) return;
    const int64_t freed = FreedBytes(op);
    const int64_t budget = freed + max_growth_bytes_;
    std::optional<int64_t> predicted = PredictedBytes(op);
    if (!predicted) {
      ++kept_unknown_size;
      return;
    }
    if (*predicted > budget) {
      ++kept_too_large;
      return;
    }
    Expected<std::vector<ref::Tensor>> results = Evaluate(op);
    if (!results || static_cast<int>(results->size()) != op.num_results()) {
      ++failed;
      return;
    }
    int64_t added = 0;
    for (int i = 0; i < op.num_results(); ++i) {
      if (!op.result(i)->has_uses()) continue;
      const ref::Tensor& t = (*results)[i];
      // A result its type contradicts: leave the op for the runtime to report.
      ir::Shape computed = ir::Shape::Static(t.shape());
      if (!MergeShapes(op.result(i)->type()->shape(), computed)) {
        ++failed;
        return;
      }
      added += t.num_bytes();
    }
    if (added > budget) {
      ++kept_too_large;
      return;
    }
    for (int i = 0; i < op.num_results(); ++i) {
      ir::Value* result = op.result(i);
      if (!result->has_uses()) continue;
      ref::Tensor& t = (*results)[i];
      const ir::TensorType* type =
          graph_.context().GetType(result->type()->scalar(), ir::Shape::Static(t.shape()));
      std::string_view hint = !result->name().empty() ? std::string_view(result->name())
                              : !op.name().empty()    ? std::string_view(op.name())
                                                      : std::string_view("folded");
      ir::Value* constant = graph_.AddConstant(type, std::make_shared<TensorBytes>(t), hint);
      constant->set_name(result->name());
      references_[constant->constant()] = 1;
      result->ReplaceAllUsesWith(constant);
    }
    graph_.EraseOp(&op);
    ++folded;
    bytes_added += std::max<int64_t>(0, added - freed);
  }

  ir::Graph& graph_;
  int64_t max_growth_bytes_;
  std::unordered_map<const ir::Constant*, int> references_;
};

}  // namespace

Expected<std::unique_ptr<Pass>> FoldConstantsPass::Create(const PassOptions& options) {
  if (Status s = options.CheckKnown(kPassName, {"max-growth-bytes"}); !s.ok()) return s;
  Expected<int64_t> max_growth =
      options.GetInt(kPassName, "max-growth-bytes", kDefaultMaxGrowthBytes);
  if (!max_growth) return max_growth.error();
  if (*max_growth < 0) {
    return Status::Error(ir::StrCat("pass '", kPassName,
                                    "': option 'max-growth-bytes' must not be negative, got ",
                                    *max_growth));
  }
  return std::unique_ptr<Pass>(std::make_unique<FoldConstantsPass>(*max_growth));
}

PassResult FoldConstantsPass::run(ir::Graph& graph, PassContext& ctx) {
  ConstantFolder folder(graph, max_growth_bytes_);
  folder.Run();
  if (folder.folded) ctx.AddStatistic("ops-folded", folder.folded);
  if (folder.bytes_added) ctx.AddStatistic("bytes-added", folder.bytes_added);
  if (folder.kept_too_large) ctx.AddStatistic("ops-kept-too-large", folder.kept_too_large);
  if (folder.kept_unknown_size) {
    ctx.AddStatistic("ops-kept-unknown-size", folder.kept_unknown_size);
  }
  if (folder.failed) ctx.AddStatistic("ops-failed", folder.failed);
  return PassResult::ChangedIf(folder.folded > 0);
}

}  // namespace kiln
