#include "passes/quantize/layer_hessian.h"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "ir/layout.h"
#include "passes/quantize/quantizable_op.h"
#include "runtime/reference/interpreter/conv_params.h"
#include "runtime/reference/kernels/im2col.h"

namespace kiln::quant {
namespace {

int64_t HessianBytes(const HessianShape& s, bool means_only) {
  return s.groups * (means_only ? s.k : s.k * s.k) * 8;
}

// One op whose Hessians this pass collects.
struct Target {
  const ir::Op* op;
  std::vector<HessianAccumulator>* groups;
};

// Adds the rows `op` multiplies by its weight, given its input tensor `x`.
Status AddRows(const ir::Op& op, const ref::Tensor& x, std::vector<HessianAccumulator>& groups) {
  if (x.dtype() != ref::DType::kF32) return Status::Error("the input is not f32");
  const int64_t k = groups[0].k();
  const std::span<const float> values(x.data<float>(), static_cast<size_t>(x.num_elements()));
  if (op.kind() != ir::OpKind::kConv) {
    const bool trans_a = op.kind() == ir::OpKind::kGemm && op.attrs().GetInt("trans_a", 0) != 0;
    const int64_t width = trans_a ? x.dim(0) : (x.rank() == 0 ? 1 : x.dim(x.rank() - 1));
    if (x.rank() == 0 || width != k) {
      return Status::Error(fmt::format("the input has shape {}, expected {} features",
                                       ref::ShapeString(x.shape()), k));
    }
    const int64_t samples = x.num_elements() / k;
    return trans_a ? groups[0].AddColumns(values, samples) : groups[0].Add(values, samples);
  }
  Expected<ref::ConvParams> params = ref::ConvParamsOf(op);
  if (!params) return params.error();
  const ref::Shape w_shape(op.operand(1)->type()->shape().static_sizes());
  rt::Result<ref::WindowGeometry> g = ref::ConvWindow(x.shape(), w_shape, *params);
  if (!g.ok()) return Status::Error(g.status().message());
  const auto num_groups = static_cast<int64_t>(groups.size());
  const int64_t channels = x.dim(1), per_group = w_shape[1];
  if (channels != per_group * num_groups) {
    return Status::Error(
        fmt::format("the input has {} channels, expected {}", channels, per_group * num_groups));
  }
  const int64_t positions = g->out_size(), in_size = g->in_size();
  std::vector<float> col(static_cast<size_t>(k * positions));
  for (int64_t n = 0; n < x.dim(0); ++n) {
    for (int64_t gi = 0; gi < num_groups; ++gi) {
      const float* src = values.data() + (n * channels + gi * per_group) * in_size;
      ref::Im2Col(src, per_group, *g, col.data(), /*threads=*/1);
      if (Status s = groups[gi].AddColumns(col, positions); !s.ok()) return s;
    }
  }
  return Status::Ok();
}

}  // namespace

const std::vector<HessianAccumulator>* LayerHessians::Find(const ir::Op* op) const {
  auto it = layers_.find(op);
  return it == layers_.end() ? nullptr : &it->second;
}

Expected<HessianShape> HessianShapeOf(const ir::Op& op) {
  std::optional<QuantizableOp> roles = AnalyzeQuantizable(op);
  if (!roles || roles->weight != 1) {
    return Status::Error(NodeWhere(op) + ": not a layer with a constant weight");
  }
  const ir::TensorType& w = *op.operand(1)->type();
  if (!w.shape().is_static())
    return Status::Error(NodeWhere(op) + ": the weight shape is not static");
  const std::vector<int64_t> dims = w.shape().static_sizes();
  if (op.kind() != ir::OpKind::kConv)
    return HessianShape{.groups = 1, .k = dims[1 - roles->weight_axis]};
  const int64_t groups = op.attrs().GetInt("group", 1);
  if (dims.size() < 3 || dims.size() > 5 || groups < 1 || dims[0] % groups != 0) {
    return Status::Error(NodeWhere(op) + ": a conv weight of rank 3 to 5 whose groups divide it");
  }
  int64_t k = 1;
  for (size_t i = 1; i < dims.size(); ++i) k *= dims[i];
  return HessianShape{.groups = groups, .k = k};
}

// Runs the calibration data once per pass, each pass collecting a batch of layers.
class HessianCollector {
 public:
  HessianCollector(const ir::Graph& graph, CalibrationSource& source,
                   const LayerHessianOptions& options)
      : graph_(graph), source_(source), options_(options) {}

  Expected<LayerHessians> Run(std::span<const ir::Op* const> ops) {
    std::vector<std::vector<const ir::Op*>> passes;
    int64_t bytes = 0;
    for (const ir::Op* op : ops) {
      Expected<HessianShape> shape = HessianShapeOf(*op);
      if (!shape) return shape.error();
      if (result_.layers_.count(op) != 0) continue;
      result_.layers_.emplace(
          op, std::vector<HessianAccumulator>(shape->groups,
                                              HessianAccumulator(shape->k, options_.means_only)));
      const int64_t layer_bytes = HessianBytes(*shape, options_.means_only);
      if (passes.empty() || bytes + layer_bytes > options_.max_bytes) {
        if (passes.empty() || !passes.back().empty()) passes.emplace_back();
        bytes = 0;
      }
      passes.back().push_back(op);
      bytes += layer_bytes;
    }
    total_ = static_cast<int64_t>(passes.size()) * source_.num_batches();
    for (const std::vector<const ir::Op*>& pass : passes) {
      if (Status s = RunPass(pass); !s.ok()) return s;
    }
    return std::move(result_);
  }

 private:
  Status RunPass(const std::vector<const ir::Op*>& ops) {
    std::unordered_map<const ir::Value*, std::vector<Target>> readers;
    for (const ir::Op* op : ops) readers[op->operand(0)].push_back({op, &result_.layers_.at(op)});
    auto observe = [&](const ir::Value& v, const ref::Tensor& t) {
      auto it = readers.find(&v);
      if (it == readers.end()) return Status::Ok();
      for (const Target& target : it->second) {
        if (Status s = AddRows(*target.op, t, *target.groups); !s.ok()) {
          return Status::Error(NodeWhere(*target.op) + ": " + s.message());
        }
      }
      return Status::Ok();
    };
    Expected<int64_t> batches =
        ObserveBatches(graph_, source_, options_.threads, observe, [&](const auto&) {
          if (options_.progress) options_.progress(++done_, total_);
        });
    return batches ? Status::Ok() : batches.error();
  }

  const ir::Graph& graph_;
  CalibrationSource& source_;
  const LayerHessianOptions& options_;
  LayerHessians result_;
  int64_t done_ = 0, total_ = 0;
};

Expected<LayerHessians> CollectLayerHessians(const ir::Graph& graph,
                                             std::span<const ir::Op* const> ops,
                                             CalibrationSource& source,
                                             const LayerHessianOptions& options) {
  if (options.max_bytes <= 0) return Status::Error("layer hessians: max_bytes must be positive");
  return HessianCollector(graph, source, options).Run(ops);
}

}  // namespace kiln::quant
