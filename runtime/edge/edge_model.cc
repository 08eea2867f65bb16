#include "runtime/edge/edge_model.h"

#include <cstdlib>
#include <cstring>

#include "runtime/edge/kernel_registry.h"
#include "runtime/edge/xnn_segment.h"

namespace kiln::edge {
namespace {

// XNNPACK may read this many bytes past the end of an input (XNN_EXTRA_BYTES, rounded up).
constexpr size_t kTailBytes = 64;

// 64-byte-aligned bytes with kTailBytes of slack.
class AlignedBuffer {
 public:
  rt::Status Resize(size_t bytes) {
    const size_t rounded = (bytes + kTailBytes + 63) / 64 * 64;
    if (rounded <= size_) return rt::Status::Ok();
    void* p = std::aligned_alloc(64, rounded);
    if (p == nullptr) {
      return rt::Status::Error("cannot allocate " + std::to_string(rounded) + " bytes");
    }
    std::memset(p, 0, rounded);
    data_.reset(static_cast<uint8_t*>(p));
    size_ = rounded;
    return rt::Status::Ok();
  }
  uint8_t* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

rt::DType FromArtifact(artifact::DType dtype) { return static_cast<rt::DType>(dtype); }

std::string OpWhere(const artifact::Op& op, int index) {
  std::string name = op.name() != nullptr ? op.name()->str() : "";
  return "op " + std::to_string(index) + " ('" + name + "', " + op.kernel()->str() + ")";
}

size_t BytesOf(const TensorInfo& info) {
  return static_cast<size_t>(rt::DTypeStorageBytes(info.dtype, NumElements(info.dims)));
}

bool DimsKnown(const Dims& dims) {
  for (int64_t d : dims) {
    if (d < 0) return false;
  }
  return true;
}

const KernelRegistry& Registry() {
  static const KernelRegistry* const registry = [] {
    auto* r = new KernelRegistry;
    RegisterEdgeKernels(*r);
    return r;
  }();
  return *registry;
}

}  // namespace

std::string DimsString(std::span<const int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    s += (i ? "," : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  }
  return s + "]";
}

std::unique_ptr<EdgeKernel> NewPortableKernel(std::string_view key);

// Everything that depends on the input shapes.
struct EdgeModel::Prepared {
  std::vector<Dims> input_dims;   // the shapes this was prepared for
  std::vector<TensorInfo> infos;  // per tensor
  std::vector<void*> data;        // per tensor
  AlignedBuffer arena;
  std::vector<AlignedBuffer> staged_inputs;
  // What Run does, in order: a portable kernel, or a segment of XNNPACK kernels.
  struct Step {
    EdgeKernel* portable = nullptr;
    std::unique_ptr<XnnSegment> segment;
  };
  std::vector<Step> steps;
};

EdgeModel::EdgeModel(std::unique_ptr<rt::Artifact> artifact, const EdgeOptions& options)
    : artifact_(std::move(artifact)), options_(options) {}

EdgeModel::~EdgeModel() {
  // The XNNPACK runtimes go first: they point into the kernels (zero biases) and the artifact.
  prepared_.reset();
  kernels_.clear();
}

rt::Result<std::unique_ptr<EdgeModel>> EdgeModel::Load(const std::string& path,
                                                       const EdgeOptions& options) {
  rt::Result<std::unique_ptr<rt::Artifact>> artifact = rt::Artifact::Load(path, "edge");
  if (!artifact.ok()) return artifact.status();
  return Create(std::move(*artifact), options);
}

rt::Result<std::unique_ptr<EdgeModel>> EdgeModel::Create(std::unique_ptr<rt::Artifact> artifact,
                                                         const EdgeOptions& options) {
  std::unique_ptr<EdgeModel> model(new EdgeModel(std::move(artifact), options));
  if (rt::Status s = InitializeXnnpack(); !s.ok()) return s;
  model->threadpool_ = MakeThreadPool(options.threads);
  if (rt::Status s = model->CreateKernels(); !s.ok()) return s;
  return model;
}

rt::Status EdgeModel::CreateKernels() {
  const artifact::Model& model = artifact_->model();
  inputs_ = rt::InputSpecs(model);
  outputs_ = rt::OutputSpecs(model);

  const int num_ops = static_cast<int>(model.ops()->size());
  kernels_.reserve(num_ops);
  attrs_.reserve(num_ops);
  for (int i = 0; i < num_ops; ++i) {
    const artifact::Op& op = *model.ops()->Get(i);
    KernelFactory factory = Registry().Find(op.kernel()->string_view());
    if (factory == nullptr) {
      return rt::Status::Error("'" + artifact_->name() + "': " + OpWhere(op, i) +
                               ": the edge runtime has no kernel '" + op.kernel()->str() + "'");
    }
    kernels_.push_back(factory());
    attrs_.emplace_back(op);
  }
  return rt::Status::Ok();
}

rt::Status EdgeModel::CheckInputs(std::span<const TensorView> inputs) const {
  if (inputs.size() != inputs_.size()) {
    return rt::Status::Error("'" + artifact_->name() + "': the model takes " +
                             std::to_string(inputs_.size()) + " inputs, got " +
                             std::to_string(inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec& spec = inputs_[i];
    const TensorView& x = inputs[i];
    const std::string where = "'" + artifact_->name() + "': input '" + spec.name + "'";
    if (x.dtype != spec.dtype) {
      return rt::Status::Error(where + " is " + std::string(rt::DTypeName(spec.dtype)) + ", got " +
                               std::string(rt::DTypeName(x.dtype)));
    }
    bool same = x.dims.size() == spec.dims.size();
    for (size_t d = 0; same && d < x.dims.size(); ++d) {
      same = spec.dims[d] >= 0 ? x.dims[d] == spec.dims[d] : x.dims[d] >= 1;
    }
    if (!same) {
      return rt::Status::Error(where + " has shape " + DimsString(spec.dims) +
                               " (?: any size), got " + DimsString(x.dims));
    }
    if (x.data == nullptr && NumElements(x.dims) > 0) {
      return rt::Status::Error(where + " has no data");
    }
  }
  return rt::Status::Ok();
}

rt::Status EdgeModel::Prepare(std::span<const TensorView> inputs) {
  const artifact::Model& model = artifact_->model();
  const std::string file = "'" + artifact_->name() + "': ";
  auto p = std::make_unique<Prepared>();
  for (const TensorView& x : inputs) p->input_dims.emplace_back(x.dims.begin(), x.dims.end());

  std::vector<std::span<const int64_t>> input_dims;
  for (const TensorView& x : inputs) input_dims.push_back(x.dims);
  rt::Result<rt::SymbolValues> symbols = rt::BindSymbols(file, inputs_, input_dims);
  if (!symbols.ok()) return symbols.status();

  // Every tensor's dims: static, bound by a symbol, or -1 until its producer computes it.
  const int num_tensors = static_cast<int>(model.tensors()->size());
  p->infos.resize(num_tensors);
  p->data.assign(num_tensors, nullptr);
  for (int t = 0; t < num_tensors; ++t) {
    const artifact::Tensor& tensor = *model.tensors()->Get(t);
    TensorInfo& info = p->infos[t];
    info.dtype = FromArtifact(tensor.dtype());
    info.dims = rt::TensorDims(tensor, *symbols);
    info.quant = tensor.quant();
    if (tensor.storage() == artifact::Storage::Constant) {
      info.data = artifact_->ConstantBytes(t).data();
      p->data[t] = const_cast<void*>(info.data);
    }
  }

  // Prepare every kernel in order: each computes its outputs' dims.
  const int num_ops = static_cast<int>(model.ops()->size());
  for (int k = 0; k < num_ops; ++k) {
    const artifact::Op& op = *model.ops()->Get(k);
    std::vector<const TensorInfo*> in;
    for (int t : *op.inputs()) in.push_back(t >= 0 ? &p->infos[t] : nullptr);
    std::vector<TensorInfo*> out;
    std::vector<Dims> expected;
    for (int t : *op.outputs()) {
      out.push_back(&p->infos[t]);
      expected.push_back(p->infos[t].dims);
    }
    PrepareContext ctx{.op = op,
                       .attrs = attrs_[k],
                       .inputs = in,
                       .outputs = out,
                       .threadpool = threadpool_.get(),
                       .where = OpWhere(op, k)};
    if (rt::Status s = kernels_[k]->Prepare(ctx); !s.ok()) {
      return rt::Status::Error(file + s.message());
    }
    for (size_t o = 0; o < out.size(); ++o) {
      const Dims& got = out[o]->dims;
      bool same = DimsKnown(got) && got.size() == expected[o].size();
      for (size_t d = 0; same && d < got.size(); ++d) {
        same = expected[o][d] < 0 || got[d] == expected[o][d];
      }
      if (!same) {
        return rt::Status::Error(file + ctx.where + ": output " + std::to_string(o) + " is " +
                                 DimsString(got) + ", the artifact says " +
                                 DimsString(expected[o]));
      }
    }
  }

  // The arena: the planned offsets when every tensor fits its slot, else one slot each.
  std::vector<size_t> bytes(num_tensors);
  for (int t = 0; t < num_tensors; ++t) bytes[t] = BytesOf(p->infos[t]);
  const rt::ArenaLayout arena = rt::LayoutArena(model, *symbols, bytes);
  if (rt::Status s = p->arena.Resize(arena.bytes); !s.ok()) {
    return rt::Status::Error(file + s.message());
  }
  for (int t = 0; t < num_tensors; ++t) {
    if (model.tensors()->Get(t)->storage() == artifact::Storage::Arena) {
      p->data[t] = p->arena.data() + arena.offsets[t];
    }
  }
  p->staged_inputs.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int t = model.inputs()->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (rt::Status s = p->staged_inputs[i].Resize(BytesOf(p->infos[t])); !s.ok()) {
      return rt::Status::Error(file + s.message());
    }
    p->data[t] = p->staged_inputs[i].data();
  }

  // Bind every kernel to its buffers (fixed from here on); consecutive XNNPACK kernels share one
  // Subgraph, which ends after a kernel with a portable post-op.
  std::unique_ptr<XnnSegment> open;
  auto close_segment = [&]() -> rt::Status {
    if (open == nullptr) return rt::Status::Ok();
    if (rt::Status s = open->Create(threadpool_.get()); !s.ok()) {
      return rt::Status::Error(file + s.message());
    }
    p->steps.push_back({.portable = nullptr, .segment = std::move(open)});
    return rt::Status::Ok();
  };
  for (int k = 0; k < num_ops; ++k) {
    const artifact::Op& op = *model.ops()->Get(k);
    std::vector<const void*> in;
    for (int t : *op.inputs()) in.push_back(t >= 0 ? p->data[t] : nullptr);
    std::vector<void*> out;
    for (int t : *op.outputs()) out.push_back(p->data[t]);
    if (XnnKernel* xnn = kernels_[k]->AsXnn()) {
      if (open == nullptr) open = std::make_unique<XnnSegment>();
      open->Add(xnn, std::move(in), std::move(out));
      if (xnn->has_post_op()) {
        if (rt::Status s = close_segment(); !s.ok()) return s;
      }
      continue;
    }
    if (rt::Status s = close_segment(); !s.ok()) return s;
    if (rt::Status s = kernels_[k]->Bind(in, out); !s.ok()) {
      return rt::Status::Error(file + s.message());
    }
    p->steps.push_back({.portable = kernels_[k].get(), .segment = nullptr});
  }
  if (rt::Status s = close_segment(); !s.ok()) return s;
  int segments = 0;
  for (const Prepared::Step& step : p->steps) segments += step.segment != nullptr;
  stats_ = {.planned_arena = arena.planned,
            .arena_bytes = arena.bytes,
            .xnnpack_segments = segments,
            .portable_steps = static_cast<int>(p->steps.size()) - segments};
  prepared_ = std::move(p);
  return rt::Status::Ok();
}

rt::Status EdgeModel::Run(std::span<const TensorView> inputs) {
  if (rt::Status s = CheckInputs(inputs); !s.ok()) return s;
  bool same_shapes = prepared_ != nullptr;
  for (size_t i = 0; same_shapes && i < inputs.size(); ++i) {
    same_shapes = std::equal(inputs[i].dims.begin(), inputs[i].dims.end(),
                             prepared_->input_dims[i].begin(), prepared_->input_dims[i].end());
  }
  if (!same_shapes) {
    prepared_.reset();
    if (rt::Status s = Prepare(inputs); !s.ok()) return s;
  }
  Prepared& p = *prepared_;
  const artifact::Model& model = artifact_->model();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int t = model.inputs()->Get(static_cast<flatbuffers::uoffset_t>(i));
    std::memcpy(p.data[t], inputs[i].data, BytesOf(p.infos[t]));
  }
  for (Prepared::Step& step : p.steps) {
    rt::Status s = step.segment != nullptr ? step.segment->Run() : step.portable->Run();
    if (!s.ok()) return rt::Status::Error("'" + artifact_->name() + "': " + s.message());
  }
  return rt::Status::Ok();
}

TensorView EdgeModel::output(int i) const {
  const int t = artifact_->model().outputs()->Get(static_cast<flatbuffers::uoffset_t>(i));
  const TensorInfo& info = prepared_->infos[t];
  return {.dtype = info.dtype, .dims = info.dims, .data = prepared_->data[t]};
}

}  // namespace kiln::edge
