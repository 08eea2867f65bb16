#include "runtime/cloud/cloud_model.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string_view>

#include "runtime/cloud/fallback_kernel.h"
#include "runtime/cloud/kernel_registry.h"

namespace kiln::cloud {
namespace {

// 64-byte-aligned bytes that live as long as the preparation.
class AlignedBuffer {
 public:
  rt::Status Resize(size_t bytes) {
    if (bytes <= size_) return rt::Status::Ok();
    size_t rounded = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded);
    if (p == nullptr) {
      return rt::Status::Error("cannot allocate " + std::to_string(rounded) + " bytes");
    }
    data_.reset(static_cast<uint8_t*>(p));
    size_ = rounded;
    return rt::Status::Ok();
  }
  uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

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

bool IsBlocked(const memory::desc& desc) { return !desc.is_zero() && !IsPlain(desc); }

size_t BytesOf(const TensorInfo& info) {
  if (!info.desc.is_zero()) return info.desc.get_size();
  return static_cast<size_t>(rt::DTypeStorageBytes(info.dtype, ref::NumElements(info.dims)));
}

std::string DimsString(const Dims& dims) { return ref::ShapeString(dims); }

}  // namespace

// Everything that depends on the input shapes.
struct CloudModel::Prepared {
  std::vector<Dims> input_dims;   // the shapes this was prepared for
  std::vector<TensorInfo> infos;  // per tensor
  std::vector<void*> data;        // per tensor; inputs are set at every Run
  AlignedBuffer arena;
  AlignedBuffer scratchpad;
  AlignedBuffer reorder_space;
  dnnl::stream stream;

  // An input of an op that must be reordered into the layout its kernel reads.
  struct Reorder {
    int input = 0;  // which input of the op
    dnnl::reorder primitive;
    dnnl::memory src;  // handle set at run time
    dnnl::memory dst;  // in reorder_space
  };
  struct Step {
    std::vector<void*> inputs;   // resolved per run (inputs can move)
    std::vector<void*> outputs;  // into the arena
    std::vector<Reorder> reorders;
  };
  std::vector<Step> steps;
};

CloudModel::CloudModel(std::unique_ptr<rt::Artifact> artifact, const CloudOptions& options)
    : artifact_(std::move(artifact)), options_(options) {}

CloudModel::~CloudModel() = default;

rt::Result<std::unique_ptr<CloudModel>> CloudModel::Load(const std::string& path,
                                                         const CloudOptions& options) {
  rt::Result<std::unique_ptr<rt::Artifact>> artifact = rt::Artifact::Load(path, "cloud");
  if (!artifact.ok()) return artifact.status();
  return Create(std::move(*artifact), options);
}

rt::Result<std::unique_ptr<CloudModel>> CloudModel::Create(std::unique_ptr<rt::Artifact> artifact,
                                                           const CloudOptions& options) {
  std::unique_ptr<CloudModel> model(new CloudModel(std::move(artifact), options));
  if (rt::Status s = model->CreateKernels(); !s.ok()) return s;
  return model;
}

rt::Status CloudModel::CreateKernels() {
  static const KernelRegistry* const registry = [] {
    auto* r = new KernelRegistry;
    RegisterCloudKernels(*r);
    return r;
  }();
  const artifact::Model& model = artifact_->model();
  inputs_ = rt::InputSpecs(model);
  outputs_ = rt::OutputSpecs(model);

  const int num_ops = static_cast<int>(model.ops()->size());
  kernels_.reserve(num_ops);
  attrs_.reserve(num_ops);
  for (int i = 0; i < num_ops; ++i) {
    const artifact::Op& op = *model.ops()->Get(i);
    KernelFactory factory = registry->Find(op.kernel()->string_view());
    if (factory == nullptr) {
      return rt::Status::Error("'" + artifact_->name() + "': " + OpWhere(op, i) +
                               ": the cloud runtime has no kernel '" + op.kernel()->str() + "'");
    }
    kernels_.push_back(factory());
    attrs_.emplace_back(op);
  }
  return rt::Status::Ok();
}

rt::Status CloudModel::CheckInputs(std::span<const ref::Tensor> inputs) const {
  if (inputs.size() != inputs_.size()) {
    return rt::Status::Error("'" + artifact_->name() + "': the model takes " +
                             std::to_string(inputs_.size()) + " inputs, got " +
                             std::to_string(inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec& spec = inputs_[i];
    const ref::Tensor& x = inputs[i];
    std::string where = "'" + artifact_->name() + "': input '" + spec.name + "'";
    if (x.dtype() != spec.dtype) {
      return rt::Status::Error(where + " is " + std::string(rt::DTypeName(spec.dtype)) + ", got " +
                               std::string(rt::DTypeName(x.dtype())));
    }
    bool same_rank = x.rank() == static_cast<int>(spec.dims.size());
    for (int d = 0; same_rank && d < x.rank(); ++d) {
      if (spec.dims[d] >= 0 ? x.dim(d) != spec.dims[d] : x.dim(d) < 1) same_rank = false;
    }
    if (!same_rank) {
      return rt::Status::Error(where + " has shape " + DimsString(spec.dims) +
                               " (-1: any size), got " + DimsString(x.shape()));
    }
  }
  return rt::Status::Ok();
}

rt::Status CloudModel::Prepare(std::span<const ref::Tensor> inputs) {
  const artifact::Model& model = artifact_->model();
  const std::string file = "'" + artifact_->name() + "': ";
  auto p = std::make_unique<Prepared>();
  for (const ref::Tensor& x : inputs) p->input_dims.push_back(x.shape());

  std::vector<std::span<const int64_t>> input_dims;
  for (const ref::Tensor& x : inputs) input_dims.push_back(x.shape());
  rt::Result<rt::SymbolValues> symbols = rt::BindSymbols(file, inputs_, input_dims);
  if (!symbols.ok()) return symbols.status();

  // Every tensor's dims and a plain layout to start from.
  const int num_tensors = static_cast<int>(model.tensors()->size());
  p->infos.resize(num_tensors);
  p->data.assign(num_tensors, nullptr);
  for (int t = 0; t < num_tensors; ++t) {
    const artifact::Tensor& tensor = *model.tensors()->Get(t);
    TensorInfo& info = p->infos[t];
    info.dtype = FromArtifact(tensor.dtype());
    info.dims = rt::TensorDims(tensor, *symbols);
    info.quant = tensor.quant();
    if (DnnlDataType(info.dtype) != memory::data_type::undef && DimsKnown(info.dims)) {
      info.desc = PlainDesc(info.dims, info.dtype);
    }
    if (tensor.storage() == artifact::Storage::Constant) {
      info.data = artifact_->ConstantBytes(t).data();
      p->data[t] = const_cast<void*>(info.data);
    }
  }

  // Which tensors should be produced plain: model outputs and inputs of kernels that read
  // plain only.
  std::vector<bool> must_be_plain(num_tensors, false);
  for (int index : *model.outputs()) must_be_plain[index] = true;
  const int num_ops = static_cast<int>(model.ops()->size());
  for (int k = 0; k < num_ops; ++k) {
    const auto& op_inputs = *model.ops()->Get(k)->inputs();
    for (size_t i = 0; i < op_inputs.size(); ++i) {
      int t = op_inputs[static_cast<flatbuffers::uoffset_t>(i)];
      if (t >= 0 && !kernels_[k]->ReadsBlocked(static_cast<int>(i))) must_be_plain[t] = true;
    }
  }

  // Prepare every kernel in order, then the reorders its inputs need.
  SetDnnlThreads(options_.threads);
  p->steps.resize(num_ops);
  size_t scratchpad_bytes = 0;
  size_t reorder_bytes = 0;
  std::vector<std::vector<size_t>> reorder_offsets(num_ops);
  for (int k = 0; k < num_ops; ++k) {
    const artifact::Op& op = *model.ops()->Get(k);
    std::vector<const TensorInfo*> in;
    for (int t : *op.inputs()) in.push_back(t >= 0 ? &p->infos[t] : nullptr);
    std::vector<TensorInfo> expected;
    std::vector<TensorInfo*> out;
    std::unique_ptr<bool[]> plain(new bool[op.outputs()->size() + 1]);
    for (int t : *op.outputs()) {
      plain[out.size()] = must_be_plain[t];
      expected.push_back(p->infos[t]);
      out.push_back(&p->infos[t]);
    }
    std::vector<memory::desc> required(in.size());
    PrepareContext ctx{.op = op,
                       .attrs = attrs_[k],
                       .inputs = in,
                       .outputs = out,
                       .output_must_be_plain = {plain.get(), out.size()},
                       .required = required,
                       .threads = options_.threads,
                       .where = OpWhere(op, k)};
    rt::Status s;
    try {
      s = kernels_[k]->Prepare(ctx);
    } catch (const dnnl::error& e) {
      s = DnnlStatus(e, ctx.where);
    }
    if (!s.ok()) return rt::Status::Error(file + s.message());
    scratchpad_bytes = std::max(scratchpad_bytes, ctx.scratchpad_bytes);
    for (size_t o = 0; o < out.size(); ++o) {
      TensorInfo& got = *out[o];
      bool same = got.dtype == expected[o].dtype && DimsKnown(got.dims) &&
                  got.dims.size() == expected[o].dims.size();
      for (size_t d = 0; same && d < got.dims.size(); ++d) {
        same = expected[o].dims[d] < 0 || got.dims[d] == expected[o].dims[d];
      }
      if (!same) {
        return rt::Status::Error(
            file + ctx.where + ": output " + std::to_string(o) + " is " +
            std::string(rt::DTypeName(got.dtype)) + DimsString(got.dims) + ", the artifact says " +
            std::string(rt::DTypeName(expected[o].dtype)) + DimsString(expected[o].dims));
      }
      if (got.desc.is_zero() && DnnlDataType(got.dtype) != memory::data_type::undef) {
        got.desc = PlainDesc(got.dims, got.dtype);
      }
      if (plain[o] && IsBlocked(got.desc)) {
        return rt::Status::Error(file + ctx.where + ": output " + std::to_string(o) +
                                 " must be plain but the kernel chose a blocked layout");
      }
    }
    // Reorders: each input whose layout differs from what the kernel reads, into its own slot
    // of the reorder space (slots are reused from one op to the next).
    size_t op_bytes = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i] == nullptr || required[i].is_zero() || in[i]->desc.is_zero() ||
          required[i] == in[i]->desc) {
        continue;
      }
      Prepared::Reorder r;
      r.input = static_cast<int>(i);
      try {
        r.src = dnnl::memory(in[i]->desc, CpuEngine(), DNNL_MEMORY_NONE);
        r.dst = dnnl::memory(required[i], CpuEngine(), DNNL_MEMORY_NONE);
        r.primitive = dnnl::reorder(r.src, r.dst);
      } catch (const dnnl::error& e) {
        return rt::Status::Error(
            file + DnnlStatus(e, ctx.where + ": reorder of input " + std::to_string(i)).message());
      }
      reorder_offsets[k].push_back(op_bytes);
      op_bytes += (required[i].get_size() + 63) / 64 * 64;
      p->steps[k].reorders.push_back(std::move(r));
    }
    reorder_bytes = std::max(reorder_bytes, op_bytes);
  }

  // The arena: the planned offsets when every tensor fits its slot, else one slot each.
  std::vector<size_t> tensor_bytes(num_tensors);
  for (int t = 0; t < num_tensors; ++t) tensor_bytes[t] = BytesOf(p->infos[t]);
  const rt::ArenaLayout arena = rt::LayoutArena(model, *symbols, tensor_bytes);
  const size_t arena_bytes = arena.bytes;
  for (auto [buffer, bytes] :
       {std::pair{&p->arena, arena_bytes}, std::pair{&p->scratchpad, scratchpad_bytes},
        std::pair{&p->reorder_space, reorder_bytes}}) {
    if (rt::Status s = buffer->Resize(std::max<size_t>(bytes, 64)); !s.ok()) {
      return rt::Status::Error(file + s.message());
    }
  }
  int blocked = 0;
  for (int t = 0; t < num_tensors; ++t) {
    const artifact::Tensor& tensor = *model.tensors()->Get(t);
    if (tensor.storage() == artifact::Storage::Arena)
      p->data[t] = p->arena.data() + arena.offsets[t];
    if (IsBlocked(p->infos[t].desc)) ++blocked;
  }
  int reorders = 0;
  for (int k = 0; k < num_ops; ++k) {
    const artifact::Op& op = *model.ops()->Get(k);
    Prepared::Step& step = p->steps[k];
    step.inputs.assign(op.inputs()->size(), nullptr);
    for (int t : *op.outputs()) step.outputs.push_back(p->data[t]);
    for (size_t r = 0; r < step.reorders.size(); ++r) {
      step.reorders[r].dst.set_data_handle(p->reorder_space.data() + reorder_offsets[k][r]);
      ++reorders;
    }
  }
  try {
    p->stream = dnnl::stream(CpuEngine());
  } catch (const dnnl::error& e) {
    return rt::Status::Error(file + DnnlStatus(e, "stream").message());
  }
  stats_ = {.blocked_tensors = blocked,
            .reorders = reorders,
            .planned_arena = arena.planned,
            .arena_bytes = arena_bytes,
            .scratch_bytes = scratchpad_bytes + reorder_bytes};
  prepared_ = std::move(p);
  return rt::Status::Ok();
}

void CloudModel::SetProfiling(bool on) {
  profiling_ = on;
  op_times_ms_.assign(kernels_.size(), 0.0);
  profiled_runs_ = 0;
}

rt::Result<std::vector<ref::Tensor>> CloudModel::Run(std::span<const ref::Tensor> inputs) {
  if (rt::Status s = CheckInputs(inputs); !s.ok()) return s;
  bool same_shapes = prepared_ != nullptr;
  for (size_t i = 0; same_shapes && i < inputs.size(); ++i) {
    same_shapes = prepared_->input_dims[i] == inputs[i].shape();
  }
  if (!same_shapes) {
    prepared_.reset();
    if (rt::Status s = Prepare(inputs); !s.ok()) return s;
  }
  Prepared& p = *prepared_;
  const artifact::Model& model = artifact_->model();
  for (size_t i = 0; i < inputs.size(); ++i) {
    p.data[model.inputs()->Get(static_cast<flatbuffers::uoffset_t>(i))] =
        const_cast<void*>(inputs[i].raw());
  }
  SetDnnlThreads(options_.threads);
  const int num_ops = static_cast<int>(kernels_.size());
  if (profiling_) ++profiled_runs_;
  for (int k = 0; k < num_ops; ++k) {
    const std::chrono::steady_clock::time_point start =
        profiling_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    const artifact::Op& op = *model.ops()->Get(k);
    Prepared::Step& step = p.steps[k];
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      int t = op.inputs()->Get(static_cast<flatbuffers::uoffset_t>(i));
      step.inputs[i] = t >= 0 ? p.data[t] : nullptr;
    }
    rt::Status s;
    try {
      for (Prepared::Reorder& r : step.reorders) {
        r.src.set_data_handle(step.inputs[r.input]);
        r.primitive.execute(p.stream, r.src, r.dst);
        step.inputs[r.input] = r.dst.get_data_handle();
      }
      s = kernels_[k]->Run({.inputs = step.inputs,
                            .outputs = step.outputs,
                            .scratchpad = p.scratchpad.data(),
                            .stream = p.stream,
                            .threads = options_.threads});
    } catch (const dnnl::error& e) {
      s = DnnlStatus(e, OpWhere(op, k));
    }
    // The message names the file only when there is one: nothing is built per run otherwise.
    if (!s.ok()) return rt::Status::Error("'" + artifact_->name() + "': " + s.message());
    if (profiling_) {
      op_times_ms_[k] +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
    }
  }
  std::vector<ref::Tensor> outputs;
  for (int t : *model.outputs()) {
    const TensorInfo& info = p.infos[t];
    rt::Result<ref::Tensor> y = ref::Tensor::Empty(info.dtype, info.dims);
    if (!y.ok()) return y.status();
    std::memcpy(y->mutable_raw(), p.data[t], static_cast<size_t>(y->num_bytes()));
    outputs.push_back(std::move(*y));
  }
  return outputs;
}

}  // namespace kiln::cloud
