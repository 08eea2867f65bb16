// quantize (f32 -> u8/i8) and dequantize (u8/i8 -> f32), per tensor, as XNNPACK convert nodes:
// inside a Subgraph they sit between the quantized convolutions and the float ops around them
// (codegen/edge/edge_quantized.h).
#include "runtime/edge/kernel_registry.h"
#include "runtime/edge/xnn_kernel.h"

namespace kiln::edge {
namespace {

class ConvertKernel : public XnnKernel {
 public:
  explicit ConvertKernel(bool quantize) : quantize_(quantize) {}

 protected:
  bool TakesQuantized() const override { return true; }

  rt::Status InferDims(const PrepareContext& ctx) override {
    const TensorInfo* x = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
    if (x == nullptr || ctx.outputs.size() != 1) {
      return rt::Status::Error(ctx.where + ": takes one input and one output");
    }
    const TensorInfo& y = *ctx.outputs[0];
    const TensorInfo& quantized = quantize_ ? y : *x;
    const TensorInfo& real = quantize_ ? *x : y;
    const bool int8 = quantized.dtype == rt::DType::kI8 || quantized.dtype == rt::DType::kU8;
    if (x->is_constant() || quantized.quant == nullptr || !int8 || quantized.quant->axis() >= 0 ||
        real.quant != nullptr || real.dtype != rt::DType::kF32) {
      return rt::Status::Error(ctx.where + (quantize_ ? ": quantize" : ": dequantize") +
                               " on edge converts between f32 and a u8/i8 value quantized per "
                               "tensor");
    }
    ctx.outputs[0]->dims = x->dims;
    return rt::Status::Ok();
  }

  rt::Status DefineNode(const NodeContext& n) override {
    return Check(xnn_define_convert(n.subgraph, n.in[0], n.out[0], 0), n, "define convert");
  }

 private:
  bool quantize_;
};

}  // namespace

void RegisterXnnQuantKernels(KernelRegistry& registry) {
  registry.Register("quantize",
                    [] { return std::unique_ptr<EdgeKernel>(new ConvertKernel(true)); });
  registry.Register("dequantize",
                    [] { return std::unique_ptr<EdgeKernel>(new ConvertKernel(false)); });
}

}  // namespace kiln::edge
