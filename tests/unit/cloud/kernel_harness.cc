#include "tests/unit/cloud/kernel_harness.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include "runtime/cloud/cloud_model.h"
#include "runtime/cloud/kernel_registry.h"
#include "runtime/core/artifact.h"
#include "runtime/reference/kernels/clip.h"
#include "runtime/reference/kernels/unary.h"

namespace kiln::cloud::testing {
namespace {

std::shared_ptr<void> AlignedBytes(size_t bytes) {
  const size_t size = std::max<size_t>(64, (bytes + 63) / 64 * 64);
  void* p = std::aligned_alloc(64, size);
  std::memset(p, 0, size);
  return std::shared_ptr<void>(p, std::free);
}

const KernelRegistry& Registry() {
  static const KernelRegistry* registry = [] {
    auto* r = new KernelRegistry();
    RegisterDnnlKernels(*r);
    return r;
  }();
  return *registry;
}

}  // namespace

TestOp::TestOp(const std::string& kernel, const TestAttrs& attrs) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<artifact::Attr>> list;
  for (const TestAttr& a : attrs) {
    auto name = fbb.CreateString(a.name);
    if (const auto* i = std::get_if<int64_t>(&a.value)) {
      list.push_back(artifact::CreateAttr(fbb, name, artifact::AttrKind::Int, *i));
    } else if (const auto* f = std::get_if<double>(&a.value)) {
      list.push_back(artifact::CreateAttr(fbb, name, artifact::AttrKind::Float, 0, *f));
    } else if (const auto* s = std::get_if<std::string>(&a.value)) {
      auto str = fbb.CreateString(*s);
      list.push_back(artifact::CreateAttr(fbb, name, artifact::AttrKind::String, 0, 0.0, str));
    } else if (const auto* is = std::get_if<Ints>(&a.value)) {
      auto v = fbb.CreateVector(*is);
      list.push_back(artifact::CreateAttr(fbb, name, artifact::AttrKind::Ints, 0, 0.0, 0, v));
    } else if (const auto* fs = std::get_if<Floats>(&a.value)) {
      auto v = fbb.CreateVector(*fs);
      list.push_back(artifact::CreateAttr(fbb, name, artifact::AttrKind::Floats, 0, 0.0, 0, 0, v));
    }
  }
  auto attrs_offset = fbb.CreateVectorOfSortedTables(&list);
  auto op = artifact::CreateOp(fbb, fbb.CreateString(kernel), fbb.CreateString("test_op"), 0, 0,
                               attrs_offset);
  fbb.Finish(op);
  bytes_.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

const artifact::Op& TestOp::op() const {
  return *flatbuffers::GetRoot<artifact::Op>(bytes_.data());
}

LaidOutTensor::LaidOutTensor(Dims dims, const memory::desc& desc, rt::DType dtype, size_t bytes)
    : dtype_(dtype),
      dims_(std::move(dims)),
      desc_(desc),
      bytes_(AlignedBytes(std::max(bytes, desc.get_size()))) {}

LaidOutTensor LaidOutTensor::FromPlain(const ref::Tensor& t) {
  // A zero desc for a dtype oneDNN has no type for (i64, bool), as the executor's.
  const bool dnnl_type = DnnlDataType(t.dtype()) != memory::data_type::undef;
  LaidOutTensor out(t.shape(), dnnl_type ? PlainDesc(t.shape(), t.dtype()) : memory::desc(),
                    t.dtype(), t.num_bytes());
  if (t.num_bytes() > 0) std::memcpy(out.data(), t.raw(), t.num_bytes());
  return out;
}

LaidOutTensor LaidOutTensor::Reordered(const memory::desc& to) const {
  LaidOutTensor out(dims_, to, dtype_);
  if (ref::NumElements(dims_) == 0) return out;
  if (dims_.empty()) {
    std::memcpy(out.data(), data(), desc_.get_size());
    return out;
  }
  dnnl::engine& engine = CpuEngine();
  memory from_mem(desc_, engine, data());
  memory to_mem(to, engine, out.data());
  dnnl::stream stream(engine);
  dnnl::reorder(from_mem, to_mem).execute(stream, from_mem, to_mem);
  stream.wait();
  return out;
}

ref::Tensor LaidOutTensor::ToPlain() const {
  // A zero desc: a dtype oneDNN has no type for (i64, bool), always plain.
  const LaidOutTensor plain = dims_.empty() || desc_.is_zero() || IsPlain(desc_)
                                  ? *this
                                  : Reordered(PlainDesc(dims_, rt::DType::kF32));
  ref::Tensor t = *ref::Tensor::Empty(dtype_, dims_);
  if (t.num_bytes() > 0) std::memcpy(t.mutable_raw(), plain.data(), t.num_bytes());
  return t;
}

KernelSession::KernelSession(const std::string& kernel, const TestAttrs& attrs, CallOptions options)
    : key_(kernel), op_(kernel, attrs), options_(options) {
  attrs_ = std::make_unique<rt::OpAttrs>(op_.op());
  if (KernelFactory f = Registry().Find(kernel)) kernel_ = f();
}

rt::Status KernelSession::Prepare(const std::vector<Operand>& inputs) {
  if (kernel_ == nullptr) return rt::Status::Error("no oneDNN kernel '" + key_ + "'");
  std::vector<TensorInfo> infos(inputs.size());
  std::vector<const TensorInfo*> in_ptrs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].tensor == nullptr) {
      in_ptrs.push_back(nullptr);
      continue;
    }
    const LaidOutTensor& t = *inputs[i].tensor;
    infos[i].dtype = t.dtype();
    infos[i].dims = t.dims();
    infos[i].desc = t.desc();
    infos[i].data = inputs[i].constant ? t.data() : nullptr;
    in_ptrs.push_back(&infos[i]);
  }
  TensorInfo output;
  output.dtype = options_.output_dtype;
  outputs_.assign(options_.num_outputs, output);
  if (!outputs_.empty()) outputs_[0].dims = options_.output_dims;
  std::vector<TensorInfo*> out_ptrs;
  for (TensorInfo& o : outputs_) out_ptrs.push_back(&o);
  std::unique_ptr<bool[]> plain_flags(new bool[options_.num_outputs]);
  std::fill_n(plain_flags.get(), options_.num_outputs, options_.output_must_be_plain);
  required_.assign(inputs.size(), memory::desc());
  PrepareContext ctx{
      .op = op_.op(),
      .attrs = *attrs_,
      .inputs = in_ptrs,
      .outputs = out_ptrs,
      .output_must_be_plain = std::span<const bool>(plain_flags.get(), options_.num_outputs),
      .required = required_,
      .threads = 1,
      .scratchpad_bytes = 0,
      .where = "op 0 ('test_op', " + key_ + ")",
  };
  rt::Status s = kernel_->Prepare(ctx);
  scratchpad_bytes_ = ctx.scratchpad_bytes;
  // As the executor does: a kernel that left an output's layout unset wrote it plain.
  for (TensorInfo& o : outputs_) {
    if (s.ok() && o.desc.is_zero() && DnnlDataType(o.dtype) != memory::data_type::undef) {
      o.desc = PlainDesc(o.dims, o.dtype);
    }
  }
  return s;
}

rt::Result<std::vector<LaidOutTensor>> KernelSession::Run(const std::vector<Operand>& inputs) {
  if (rt::Status s = Prepare(inputs); !s.ok()) return s;
  // Inputs in the layouts the kernel asked for (a copy of its own when they differ).
  std::vector<LaidOutTensor> reordered(inputs.size());
  std::vector<void*> in_ptrs(inputs.size(), nullptr);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].tensor == nullptr) continue;
    const LaidOutTensor& t = *inputs[i].tensor;
    const bool keep = required_[i].is_zero() || required_[i] == t.desc() || t.dims().empty();
    reordered[i] = keep ? t : t.Reordered(required_[i]);
    in_ptrs[i] = reordered[i].data();
  }
  std::vector<LaidOutTensor> outputs;
  std::vector<void*> out_ptrs;
  for (size_t i = 0; i < outputs_.size(); ++i) {
    const int alias = options_.output_aliases_input;
    if (i == 0 && alias >= 0) {
      if (!(reordered[alias].desc() == outputs_[0].desc)) {
        return rt::Status::Error("in place: the output's layout differs from the input's");
      }
      outputs.push_back(reordered[alias]);
    } else {
      outputs.emplace_back(outputs_[i].dims, outputs_[i].desc, outputs_[i].dtype,
                           static_cast<size_t>(rt::DTypeStorageBytes(
                               outputs_[i].dtype, ref::NumElements(outputs_[i].dims))));
    }
    out_ptrs.push_back(outputs.back().data());
  }
  std::shared_ptr<void> scratchpad = AlignedBytes(scratchpad_bytes_);
  dnnl::stream stream(CpuEngine());
  RunContext ctx{
      .inputs = in_ptrs,
      .outputs = out_ptrs,
      .scratchpad = scratchpad_bytes_ > 0 ? scratchpad.get() : nullptr,
      .stream = stream,
      .threads = 1,
  };
  if (rt::Status s = kernel_->Run(ctx); !s.ok()) return s;
  stream.wait();
  return outputs;
}

rt::Result<std::vector<ref::Tensor>> RunKernel(const std::string& kernel,
                                               const std::vector<PlainOperand>& inputs,
                                               const TestAttrs& attrs, CallOptions options) {
  std::vector<LaidOutTensor> tensors(inputs.size());
  std::vector<Operand> operands(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].absent) continue;
    tensors[i] = LaidOutTensor::FromPlain(inputs[i].tensor);
    operands[i] = {&tensors[i], inputs[i].constant};
  }
  KernelSession session(kernel, attrs, options);
  rt::Result<std::vector<LaidOutTensor>> out = session.Run(operands);
  if (!out.ok()) return out.status();
  std::vector<ref::Tensor> plain;
  for (const LaidOutTensor& t : *out) {
    if (options.output_must_be_plain && !t.dims().empty() && !t.desc().is_zero() &&
        !IsPlain(t.desc())) {
      return rt::Status::Error("output must be plain, but the kernel chose a blocked layout");
    }
    plain.push_back(t.ToPlain());
  }
  return plain;
}

ref::Tensor Random(const ref::Shape& shape, uint32_t seed, float lo, float hi) {
  ref::Tensor t = *ref::Tensor::Empty(rt::DType::kF32, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  float* p = t.mutable_data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = dist(gen);
  return t;
}

ref::Tensor Scalar(float value, ref::Shape shape) {
  return ref::Tensor::FromVector<float>(rt::DType::kF32, std::move(shape), {value});
}

ref::Tensor ReferenceActivation(const ref::Tensor& y, const std::string& name, float alpha,
                                float beta) {
  using ref::UnaryOp;
  auto unary = [&](UnaryOp op, ref::UnaryParams p = {}) { return *ref::Unary(op, y, p); };
  if (name.empty()) return y;
  if (name == "relu") return unary(UnaryOp::kRelu);
  if (name == "leaky_relu") return unary(UnaryOp::kLeakyRelu, {.alpha = alpha});
  if (name == "hard_sigmoid") return unary(UnaryOp::kHardSigmoid, {.alpha = alpha, .beta = beta});
  if (name == "hard_swish") return unary(UnaryOp::kHardSwish);
  if (name == "sigmoid") return unary(UnaryOp::kSigmoid);
  if (name == "silu") return unary(UnaryOp::kSilu);
  if (name == "gelu") return unary(UnaryOp::kGelu);
  if (name == "gelu_tanh") return unary(UnaryOp::kGeluTanh);
  if (name == "tanh") return unary(UnaryOp::kTanh);
  if (name == "clip") {
    const ref::Tensor lo = Scalar(alpha, {}), hi = Scalar(beta, {});
    return *ref::Clip(y, &lo, &hi);
  }
  ADD_FAILURE() << "no reference for activation " << name;
  return y;
}

TestAttrs ActivationAttrs(const std::string& name, double alpha, double beta) {
  if (name.empty()) return {};
  TestAttrs attrs = {{"activation", name}};
  if (name == "leaky_relu" || name == "hard_sigmoid" || name == "clip") {
    attrs.push_back({"activation_alpha", alpha});
  }
  if (name == "hard_sigmoid" || name == "clip") attrs.push_back({"activation_beta", beta});
  return attrs;
}

double RelativeError(const ref::Tensor& got, const ref::Tensor& want) {
  if (got.shape() != want.shape()) return INFINITY;
  const float* g = got.data<float>();
  const float* w = want.data<float>();
  double max_diff = 0.0, max_ref = 0.0;
  for (int64_t i = 0; i < want.num_elements(); ++i) {
    if (std::isnan(g[i]) != std::isnan(w[i])) return INFINITY;
    if (std::isnan(w[i])) continue;
    if (std::isinf(w[i]) || std::isinf(g[i])) {
      if (g[i] != w[i]) return INFINITY;
      continue;
    }
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(g[i]) - w[i]));
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(w[i])));
  }
  if (max_ref == 0.0) return max_diff == 0.0 ? 0.0 : INFINITY;
  return max_diff / max_ref;
}

::testing::AssertionResult Near(const ref::Tensor& got, const ref::Tensor& want, double tolerance) {
  if (got.shape() != want.shape()) {
    return ::testing::AssertionFailure() << "shape " << ref::ShapeString(got.shape())
                                         << ", expected " << ref::ShapeString(want.shape());
  }
  const double e = RelativeError(got, want);
  if (e <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "relative error " << e << " > " << tolerance << " (shape "
                                       << ref::ShapeString(want.shape()) << ")";
}

rt::Result<std::vector<ref::Tensor>> RunArtifact(const std::vector<uint8_t>& artifact,
                                                 const std::vector<ref::Tensor>& inputs) {
  rt::Result<std::unique_ptr<rt::Artifact>> loaded =
      rt::Artifact::FromBytes(artifact, "case.kiln", "cloud");
  if (!loaded.ok()) return loaded.status();
  rt::Result<std::unique_ptr<CloudModel>> model = CloudModel::Create(std::move(*loaded), {});
  if (!model.ok()) return model.status();
  return (*model)->Run(inputs);
}

}  // namespace kiln::cloud::testing
