#include "runtime/cloud/fallback_kernel.h"

#include <cstring>

#include "runtime/reference/kernels/reshape.h"

namespace kiln::cloud {

rt::Result<const ref::Tensor*> FallbackCall::Required(int i) const {
  const ref::Tensor* t = input(i);
  if (t == nullptr) return rt::Status::Error("input " + std::to_string(i) + " is missing");
  return t;
}

rt::Result<std::vector<int64_t>> FallbackCall::Ints(int i, std::string_view what) const {
  rt::Result<const ref::Tensor*> t = Required(i);
  if (!t.ok()) return t.status();
  const ref::Tensor& x = **t;
  std::vector<int64_t> values(static_cast<size_t>(x.num_elements()));
  if (x.dtype() == rt::DType::kI64) {
    std::memcpy(values.data(), x.raw(), values.size() * sizeof(int64_t));
  } else if (x.dtype() == rt::DType::kI32) {
    for (size_t k = 0; k < values.size(); ++k) values[k] = x.data<int32_t>()[k];
  } else {
    return rt::Status::Error(std::string(what) + " must be i32 or i64, got " +
                             std::string(rt::DTypeName(x.dtype())));
  }
  return values;
}

rt::Status FallbackKernel::Prepare(PrepareContext& ctx) {
  attrs_ = &ctx.attrs;
  where_ = ctx.where;
  inputs_.clear();
  present_.clear();
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const TensorInfo* in = ctx.inputs[i];
    present_.push_back(in != nullptr);
    inputs_.push_back(in != nullptr ? *in : TensorInfo{});
    // Plain layouts only: ask for the plain form of whatever comes.
    if (in != nullptr && !in->desc.is_zero()) ctx.required[i] = PlainDesc(in->dims, in->dtype);
  }
  bool known = true;
  for (TensorInfo* out : ctx.outputs) known = known && DimsKnown(out->dims);
  if (!known) {
    // Dims the compiler could not express (a product of symbols): run once on zeros (constants
    // as they are) and take the results' dims. Fine for ops whose result shape depends on
    // shapes and constants only, which is every op this runtime lists.
    std::vector<ref::Tensor> tensors(inputs_.size());
    std::vector<const ref::Tensor*> pointers(inputs_.size(), nullptr);
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (!present_[i]) continue;
      if (inputs_[i].is_constant()) {
        tensors[i] =
            ref::Tensor::Borrow(inputs_[i].dtype, inputs_[i].dims, inputs_[i].data, nullptr);
      } else {
        rt::Result<ref::Tensor> zeros = ref::Tensor::Zeros(inputs_[i].dtype, inputs_[i].dims);
        if (!zeros.ok()) return rt::Status::Error(where_ + ": " + zeros.status().message());
        tensors[i] = std::move(*zeros);
      }
      pointers[i] = &tensors[i];
    }
    std::vector<const TensorInfo*> outs(ctx.outputs.begin(), ctx.outputs.end());
    FallbackResults results =
        fn_({.attrs = *attrs_, .inputs = pointers, .outputs = outs, .threads = ctx.threads});
    if (!results.ok()) return rt::Status::Error(where_ + ": " + results.status().message());
    if (results->size() != ctx.outputs.size()) {
      return rt::Status::Error(where_ + ": " + std::to_string(results->size()) + " results, " +
                               std::to_string(ctx.outputs.size()) + " expected");
    }
    for (size_t o = 0; o < ctx.outputs.size(); ++o) ctx.outputs[o]->dims = (*results)[o].shape();
  }
  outputs_.clear();
  for (TensorInfo* out : ctx.outputs) {
    if (out->desc.is_zero() && DnnlDataType(out->dtype) != memory::data_type::undef) {
      out->desc = PlainDesc(out->dims, out->dtype);
    }
    outputs_.push_back(*out);
  }
  return rt::Status::Ok();
}

rt::Status FallbackKernel::Run(const RunContext& ctx) {
  std::vector<ref::Tensor> tensors(inputs_.size());
  std::vector<const ref::Tensor*> pointers(inputs_.size(), nullptr);
  for (size_t i = 0; i < inputs_.size(); ++i) {
    if (!present_[i]) continue;
    tensors[i] = ref::Tensor::Borrow(inputs_[i].dtype, inputs_[i].dims, ctx.inputs[i], nullptr);
    pointers[i] = &tensors[i];
  }
  std::vector<const TensorInfo*> outs;
  for (const TensorInfo& o : outputs_) outs.push_back(&o);
  FallbackResults results =
      fn_({.attrs = *attrs_, .inputs = pointers, .outputs = outs, .threads = ctx.threads});
  if (!results.ok()) return rt::Status::Error(where_ + ": " + results.status().message());
  if (results->size() != outputs_.size()) {
    return rt::Status::Error(where_ + ": " + std::to_string(results->size()) + " results, " +
                             std::to_string(outputs_.size()) + " expected");
  }
  for (size_t o = 0; o < outputs_.size(); ++o) {
    const ref::Tensor& y = (*results)[o];
    if (y.dtype() != outputs_[o].dtype || y.shape() != outputs_[o].dims) {
      return rt::Status::Error(where_ + ": result " + std::to_string(o) + " is " +
                               std::string(rt::DTypeName(y.dtype())) + ref::ShapeString(y.shape()) +
                               ", the artifact says " +
                               std::string(rt::DTypeName(outputs_[o].dtype)) +
                               ref::ShapeString(outputs_[o].dims));
    }
    if (y.raw() != ctx.outputs[o]) {
      std::memmove(ctx.outputs[o], y.raw(), static_cast<size_t>(y.num_bytes()));
    }
  }
  return rt::Status::Ok();
}

rt::Result<Dims> ByteCopyKernel::OutputDims(const PrepareContext& ctx) const {
  const Dims& in = ctx.inputs[0]->dims;
  switch (kind_) {
    case ByteCopyKind::kReshape: {
      const TensorInfo* shape = ctx.inputs.size() > 1 ? ctx.inputs[1] : nullptr;
      if (shape == nullptr || !shape->is_constant() || shape->dtype != rt::DType::kI64) {
        return rt::Status::Error("the reshape target must be a constant i64 tensor");
      }
      std::span<const int64_t> spec(static_cast<const int64_t*>(shape->data),
                                    static_cast<size_t>(ref::NumElements(shape->dims)));
      rt::Result<int64_t> allowzero = ctx.attrs.Int("allowzero", 0);
      if (!allowzero.ok()) return allowzero.status();
      return ref::ReshapeShape(in, spec, *allowzero != 0);
    }
    case ByteCopyKind::kFlatten: {
      rt::Result<int64_t> axis = ctx.attrs.Int("axis", 1);
      if (!axis.ok()) return axis.status();
      return ref::FlattenShape(in, *axis);
    }
    case ByteCopyKind::kSqueeze:
    case ByteCopyKind::kUnsqueeze: {
      rt::Result<std::vector<int64_t>> axes = ctx.attrs.Ints("axes", {});
      if (!axes.ok()) return axes.status();
      return kind_ == ByteCopyKind::kSqueeze ? ref::SqueezeShape(in, *axes)
                                             : ref::UnsqueezeShape(in, *axes);
    }
    case ByteCopyKind::kIdentity:
      return in;
  }
  return in;
}

rt::Status ByteCopyKernel::Prepare(PrepareContext& ctx) {
  if (ctx.inputs.empty() || ctx.inputs[0] == nullptr || ctx.outputs.size() != 1) {
    return rt::Status::Error(ctx.where + ": expects one input and one output");
  }
  const TensorInfo& in = *ctx.inputs[0];
  TensorInfo& out = *ctx.outputs[0];
  rt::Result<Dims> dims = OutputDims(ctx);
  if (!dims.ok()) return rt::Status::Error(ctx.where + ": " + dims.status().message());
  out.dims = std::move(*dims);
  if (in.dtype != out.dtype) {
    return rt::Status::Error(ctx.where + ": input is " + std::string(rt::DTypeName(in.dtype)) +
                             ", output " + std::string(rt::DTypeName(out.dtype)));
  }
  if (!in.desc.is_zero()) ctx.required[0] = PlainDesc(in.dims, in.dtype);
  bytes_ = static_cast<size_t>(rt::DTypeStorageBytes(in.dtype, ref::NumElements(in.dims)));
  return rt::Status::Ok();
}

rt::Status ByteCopyKernel::Run(const RunContext& ctx) {
  if (ctx.inputs[0] != ctx.outputs[0]) std::memmove(ctx.outputs[0], ctx.inputs[0], bytes_);
  return rt::Status::Ok();
}

}  // namespace kiln::cloud
