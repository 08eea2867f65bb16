// quantize and dequantize: oneDNN reorders with an output scale and a zero point, in the
// layout the input comes in (a conv's nhwc int8 result dequantizes without a layout change).
//   quantize:   y = saturate(round_half_even(x / s) + zp), f32 -> u8/i8, per tensor
//   dequantize: y = s * (x - zp), u8/i8/i32 -> f32, per tensor or per axis (one zero point)
// oneDNN multiplies by 1/s where ONNX divides by s; the codes can differ by one where x / s
// falls within float rounding of a half.
#include <memory>
#include <string>

#include "runtime/cloud/dnnl_kernel.h"
#include "runtime/cloud/dnnl_kernels.h"
#include "runtime/cloud/dnnl_quant.h"

namespace kiln::cloud {
namespace {

bool IsInt8(rt::DType t) { return t == rt::DType::kU8 || t == rt::DType::kI8; }

// The shared part: a reorder from input 0 to output 0 (of `dtype`) in input 0's layout when
// it is blocked and the output may be, else plain.
class ReorderKernel : public DnnlKernel {
 public:
  bool ReadsBlocked(int input) const override { return input == 0; }

 protected:
  rt::Status PrepareReorder(PrepareContext& ctx, rt::DType dtype,
                            const dnnl::primitive_attr& attr) {
    const TensorInfo& x = *ctx.inputs[0];
    const memory::desc src =
        IsBlocked(x) && !MustBePlain(ctx, 0) ? x.desc : PlainDesc(x.dims, x.dtype);
    const memory::desc dst = WithDataType(src, dtype);
    dnnl::reorder::primitive_desc pd(CpuEngine(), src, CpuEngine(), dst, attr);
    reorder_ = BoundPrimitive(dnnl::reorder(pd));
    reorder_.Bind(DNNL_ARG_FROM, src);
    reorder_.Bind(DNNL_ARG_TO, dst);
    ctx.required[0] = src;
    return SetOutput(ctx, 0, x.dims, dst, dtype);
  }

  rt::Status RunDnnl(const RunContext& ctx) override {
    reorder_.Set(DNNL_ARG_FROM, ctx.inputs[0]);
    reorder_.Set(DNNL_ARG_TO, ctx.outputs[0]);
    reorder_.Execute(ctx.stream);
    return rt::Status::Ok();
  }

 private:
  BoundPrimitive reorder_;
};

class QuantizeKernel final : public ReorderKernel {
 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    if (rt::Status s = CheckF32(ctx, 0, 0, DNNL_MAX_NDIMS); !s.ok()) return s;
    const TensorInfo& y = *ctx.outputs[0];
    if (!IsInt8(y.dtype) || !IsPerTensor(y)) {
      return Error("the result must be u8 or i8 quantized per tensor, got " +
                   std::string(rt::DTypeName(y.dtype)));
    }
    dnnl::primitive_attr attr;
    attr.set_output_scales(0, {1.0f / TensorScale(y)});
    if (const int32_t zp = ZeroPoint(y); zp != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {zp});
    return PrepareReorder(ctx, y.dtype, attr);
  }
};

class DequantizeKernel final : public ReorderKernel {
 protected:
  rt::Status PrepareDnnl(PrepareContext& ctx) override {
    const TensorInfo* x = Input(ctx, 0);
    if (x == nullptr) return Error("input 0 is missing");
    const bool int_ok = IsInt8(x->dtype) || x->dtype == rt::DType::kI32;
    if (x->quant == nullptr || !int_ok || x->quant->block_size() > 0 || !SingleZeroPoint(*x)) {
      return Error(
          "the input must be u8, i8 or i32 quantized per tensor or per axis with one "
          "zero point, got " +
          std::string(rt::DTypeName(x->dtype)));
    }
    dnnl::primitive_attr attr;
    const int axis = x->quant->axis();
    if (axis < 0) {
      attr.set_output_scales(0, {TensorScale(*x)});
    } else {
      attr.set_output_scales(1 << axis, ChannelScales(*x, x->dims[axis]));
    }
    if (const int32_t zp = ZeroPoint(*x); zp != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {zp});
    return PrepareReorder(ctx, rt::DType::kF32, attr);
  }
};

}  // namespace

void RegisterDnnlQuantKernels(KernelRegistry& registry) {
  registry.Register("quantize", [] { return std::unique_ptr<CloudKernel>(new QuantizeKernel()); });
  registry.Register("dequantize",
                    [] { return std::unique_ptr<CloudKernel>(new DequantizeKernel()); });
}

}  // namespace kiln::cloud
