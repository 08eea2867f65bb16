#include "runtime/cloud/dnnl_kernel.h"

#include <algorithm>
#include <exception>
#include <new>

namespace kiln::cloud {

int64_t NumElements(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::string DimsString(const Dims& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

void ResidualCopy::Prepare(const memory::desc& layout) {
  dnnl::reorder::primitive_desc pd(CpuEngine(), layout, CpuEngine(), layout);
  copy_ = BoundPrimitive(dnnl::reorder(pd));
  copy_.Bind(DNNL_ARG_FROM, layout);
  copy_.Bind(DNNL_ARG_TO, layout);
  active_ = true;
}

void ResidualCopy::Copy(const void* residual, void* output, dnnl::stream& stream) {
  if (!active_ || residual == output) return;
  copy_.Set(DNNL_ARG_FROM, residual);
  copy_.Set(DNNL_ARG_TO, output);
  copy_.Execute(stream);
}

rt::Status DnnlKernel::Prepare(PrepareContext& ctx) {
  where_ = ctx.where;
  try {
    return PrepareDnnl(ctx);
  } catch (const dnnl::error& e) {
    return DnnlStatus(e, where_);
  } catch (const std::bad_alloc&) {
    return Error("out of memory while preparing");
  } catch (const std::exception& e) {
    return Error(e.what());
  }
}

rt::Status DnnlKernel::Run(const RunContext& ctx) {
  try {
    return RunDnnl(ctx);
  } catch (const dnnl::error& e) {
    return DnnlStatus(e, where_);
  } catch (const std::exception& e) {
    return Error(e.what());
  }
}

rt::Status DnnlKernel::Error(std::string_view message) const {
  return rt::Status::Error(where_ + ": " + std::string(message));
}

const TensorInfo* DnnlKernel::Input(const PrepareContext& ctx, int i) {
  return i < static_cast<int>(ctx.inputs.size()) ? ctx.inputs[i] : nullptr;
}

rt::Status DnnlKernel::CheckF32(const PrepareContext& ctx, int i, int min_rank,
                                int max_rank) const {
  const TensorInfo* t = Input(ctx, i);
  const std::string which = "input " + std::to_string(i);
  if (t == nullptr) return Error(which + " is missing");
  if (t->dtype != rt::DType::kF32) {
    return Error(which + " is " + std::string(rt::DTypeName(t->dtype)) + ", expected f32");
  }
  const int rank = static_cast<int>(t->dims.size());
  if (rank < min_rank || rank > max_rank) {
    return Error(which + " has shape " + DimsString(t->dims) + ", expected rank " +
                 (min_rank == max_rank
                      ? std::to_string(min_rank)
                      : std::to_string(min_rank) + " to " + std::to_string(max_rank)));
  }
  for (int64_t d : t->dims) {
    if (d < 0) return Error(which + " has shape " + DimsString(t->dims) + " with a negative dim");
  }
  return rt::Status::Ok();
}

rt::Status DnnlKernel::CheckConstantF32(const PrepareContext& ctx, int i) const {
  if (rt::Status s = CheckF32(ctx, i, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
  if (!Input(ctx, i)->is_constant()) {
    return Error("input " + std::to_string(i) +
                 " must be a constant (the oneDNN kernel packs it once at load)");
  }
  return rt::Status::Ok();
}

rt::Status DnnlKernel::SetOutput(PrepareContext& ctx, int i, const Dims& dims,
                                 const memory::desc& desc, rt::DType dtype) const {
  if (i >= static_cast<int>(ctx.outputs.size()) || ctx.outputs[i] == nullptr) {
    return Error("output " + std::to_string(i) + " is missing");
  }
  TensorInfo& out = *ctx.outputs[i];
  out.dtype = dtype;
  out.dims = dims;
  out.desc = desc;
  out.data = nullptr;
  return rt::Status::Ok();
}

bool DnnlKernel::IsBlocked(const TensorInfo& t) {
  return t.desc.data.ndims == static_cast<int>(t.dims.size()) && t.desc.data.ndims > 0 &&
         !IsPlain(t.desc);
}

memory::desc DnnlKernel::KeepLayout(PrepareContext& ctx, int i, int o) {
  const TensorInfo& t = *ctx.inputs[i];
  const memory::desc layout =
      IsBlocked(t) && !MustBePlain(ctx, o) ? t.desc : PlainDesc(t.dims, rt::DType::kF32);
  ctx.required[i] = layout;
  return layout;
}

bool DnnlKernel::MustBePlain(const PrepareContext& ctx, int i) {
  return i < static_cast<int>(ctx.output_must_be_plain.size()) && ctx.output_must_be_plain[i];
}

void DnnlKernel::UseScratchpad(PrepareContext& ctx, const memory::desc& scratchpad,
                               BoundPrimitive& primitive) {
  const size_t bytes = scratchpad.get_size();
  if (bytes == 0) return;
  primitive.Bind(DNNL_ARG_SCRATCHPAD, scratchpad);
  ctx.scratchpad_bytes = std::max(ctx.scratchpad_bytes, bytes);
}

dnnl::primitive_attr DnnlKernel::Attr(const dnnl::post_ops& ops) {
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

}  // namespace kiln::cloud
