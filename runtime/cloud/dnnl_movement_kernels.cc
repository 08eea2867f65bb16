// transpose and slice as one oneDNN reorder each: the input seen through strides (its strides
// permuted; a window with steps) copied into the plain output. The bytes move unchanged whatever
// the dtype: elements of 1, 2, 4 or 8 bytes are moved as u8 or s32 units, so nothing converts.
// The cases a reorder cannot express (sub-byte dtypes, negative slice steps, slice bounds that
// are not constants, rank above 11) go to the portable fallback kernel of the same op.
#include <cstdint>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"
#include "runtime/cloud/kernel_registry.h"
#include "runtime/reference/kernels/slice.h"

namespace kiln::cloud {
namespace {

// The descs of a copy of `dims` elements of `element_bytes` each, read at `src_strides` (in
// elements) and written row-major: in units oneDNN copies without converting (u8 or s32), with
// one more innermost dim when an element is two units. Null when the element size has no unit.
struct CopyDescs {
  memory::desc src, dst;
};
std::optional<CopyDescs> StridedCopy(const Dims& dims, const Dims& src_strides,
                                     int64_t element_bytes) {
  memory::data_type unit = memory::data_type::u8;
  int64_t units = element_bytes;  // per element
  if (element_bytes == 4 || element_bytes == 8) {
    unit = memory::data_type::s32;
    units = element_bytes / 4;
  }
  if (units < 1 || units > 2 || dims.size() + 1 > DNNL_MAX_NDIMS) return std::nullopt;
  memory::dims d = dims, s = src_strides;
  for (int64_t& stride : s) stride *= units;
  if (units > 1) {
    d.push_back(units);
    s.push_back(1);
  }
  return CopyDescs{memory::desc(d, unit, s), memory::desc(d, unit, PlainStrides(d))};
}

// The common part: a fallback for what a reorder cannot do, the reorder, the source offset.
class StridedCopyKernel : public DnnlKernel {
 public:
  explicit StridedCopyKernel(std::string key) : key_(std::move(key)) {}

 protected:
  // The output dims, the strides (in elements) and offset (in elements) to read the input at;
  // nullopt to use the fallback.
  struct View {
    Dims dims, strides;
    int64_t offset = 0;
  };
  virtual rt::Result<std::optional<View>> Plan(const PrepareContext& ctx) const = 0;

  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    fallback_.reset();
    if (ctx.inputs.empty() || ctx.inputs[0] == nullptr || ctx.outputs.size() != 1) {
      return Error("expects an input and one output");
    }
    const TensorInfo& x = *ctx.inputs[0];
    const int64_t bits = rt::DTypeBits(x.dtype);
    rt::Result<std::optional<View>> view = Plan(ctx);
    if (!view.ok()) return view.status();
    std::optional<CopyDescs> descs;
    if (view->has_value() && bits % 8 == 0) {
      descs = StridedCopy((*view)->dims, (*view)->strides, bits / 8);
    }
    if (!descs) {
      fallback_ = NewFallbackKernel(key_);
      if (fallback_ == nullptr) return Error("no kernel for this case");
      return fallback_->Prepare(ctx);
    }
    TensorInfo& y = *ctx.outputs[0];
    if (y.dtype != x.dtype) {
      return Error("the output is " + std::string(rt::DTypeName(y.dtype)) + ", the input " +
                   std::string(rt::DTypeName(x.dtype)));
    }
    y.dims = (*view)->dims;
    if (!x.desc.is_zero()) ctx.required[0] = PlainDesc(x.dims, x.dtype);
    offset_bytes_ = (*view)->offset * (bits / 8);
    empty_ = NumElements(y.dims) == 0;
    if (empty_) return rt::Status::Ok();
    dnnl::reorder::primitive_desc pd(CpuEngine(), descs->src, CpuEngine(), descs->dst);
    copy_ = BoundPrimitive(dnnl::reorder(pd));
    copy_.Bind(DNNL_ARG_FROM, descs->src);
    copy_.Bind(DNNL_ARG_TO, descs->dst);
    return rt::Status::Ok();
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    if (fallback_ != nullptr) return fallback_->Run(ctx);
    if (empty_) return rt::Status::Ok();
    copy_.Set(DNNL_ARG_FROM, static_cast<const uint8_t*>(ctx.inputs[0]) + offset_bytes_);
    copy_.Set(DNNL_ARG_TO, ctx.outputs[0]);
    copy_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  std::string key_;
  std::unique_ptr<CloudKernel> fallback_;
  BoundPrimitive copy_;
  int64_t offset_bytes_ = 0;
  bool empty_ = false;
};

// y dim i is x dim perm[i] (no perm: the dims reversed).
class TransposeKernel final : public StridedCopyKernel {
 public:
  TransposeKernel() : StridedCopyKernel("transpose") {}

 protected:
  rt::Result<std::optional<View>> Plan(const PrepareContext& ctx) const override {
    const Dims& x = ctx.inputs[0]->dims;
    const int64_t rank = static_cast<int64_t>(x.size());
    rt::Result<std::vector<int64_t>> perm = ctx.attrs.Ints("perm", {});
    if (!perm.ok()) return perm.status();
    if (perm->empty()) {
      perm->resize(x.size());
      std::iota(perm->rbegin(), perm->rend(), 0);
    }
    std::vector<bool> seen(x.size(), false);
    bool valid = static_cast<int64_t>(perm->size()) == rank;
    for (size_t i = 0; valid && i < perm->size(); ++i) {
      const int64_t p = (*perm)[i];
      valid = p >= 0 && p < rank && !seen[static_cast<size_t>(p)];
      if (valid) seen[static_cast<size_t>(p)] = true;
    }
    if (!valid) {
      return Error("perm " + DimsString(*perm) + " is not a permutation of the input's " +
                   std::to_string(rank) + " dims");
    }
    const Dims x_strides = PlainStrides(x);
    View view;
    for (int64_t p : *perm) {
      view.dims.push_back(x[static_cast<size_t>(p)]);
      view.strides.push_back(x_strides[static_cast<size_t>(p)]);
    }
    return std::optional<View>(std::move(view));
  }
};

// ONNX Slice with constant starts, ends, axes and steps (inputs 1 to 4).
class SliceKernel final : public StridedCopyKernel {
 public:
  SliceKernel() : StridedCopyKernel("slice") {}

 protected:
  rt::Result<std::optional<View>> Plan(const PrepareContext& ctx) const override {
    ref::SliceParams p;
    std::vector<int64_t>* fields[] = {&p.starts, &p.ends, &p.axes, &p.steps};
    for (int i = 1; i <= 4; ++i) {
      const TensorInfo* t = Input(ctx, i);
      if (t == nullptr && i >= 3) continue;
      if (t == nullptr || !t->is_constant()) return std::optional<View>();
      std::optional<std::vector<int64_t>> values = ConstantInts(*t);
      if (!values) return std::optional<View>();  // the fallback names the bad dtype
      *fields[i - 1] = std::move(*values);
    }
    const Dims& x = ctx.inputs[0]->dims;
    rt::Result<ref::SliceWindow> window = ref::ResolveSlice(ref::Shape(x.begin(), x.end()), p);
    if (!window.ok()) return Error(window.status().message());
    const Dims x_strides = PlainStrides(x);
    View view;
    for (size_t d = 0; d < x.size(); ++d) {
      if (window->step[d] < 1) return std::optional<View>();
      view.dims.push_back(window->size[d]);
      view.strides.push_back(x_strides[d] * window->step[d]);
      if (window->size[d] > 0) view.offset += window->start[d] * x_strides[d];
    }
    return std::optional<View>(std::move(view));
  }

 private:
  // A constant i32/i64 tensor's values; nullopt for another dtype.
  static std::optional<std::vector<int64_t>> ConstantInts(const TensorInfo& t) {
    const size_t n = static_cast<size_t>(NumElements(t.dims));
    std::vector<int64_t> values(n);
    if (t.dtype == rt::DType::kI64) {
      std::memcpy(values.data(), t.data, n * sizeof(int64_t));
    } else if (t.dtype == rt::DType::kI32) {
      const auto* v = static_cast<const int32_t*>(t.data);
      for (size_t k = 0; k < n; ++k) values[k] = v[k];
    } else {
      return std::nullopt;
    }
    return values;
  }
};

}  // namespace

void RegisterDnnlMovementKernels(KernelRegistry& registry) {
  registry.Register("transpose",
                    [] { return std::unique_ptr<CloudKernel>(new TransposeKernel()); });
  registry.Register("slice", [] { return std::unique_ptr<CloudKernel>(new SliceKernel()); });
}

}  // namespace kiln::cloud
