#include "runtime/reference/interpreter/op_kernels.h"

#include "ir/str_cat.h"

namespace kiln::ref {

// The two lists must stay in the same order for the cast below.
#define KILN_X(e, name, bits, is_float, is_signed)                                  \
  static_assert(static_cast<int>(ir::ScalarType::e) == static_cast<int>(DType::e)); \
  static_assert(std::string_view(name) == rt::DTypeName(DType::e));
KILN_SCALAR_TYPES(KILN_X)
#undef KILN_X
static_assert(ir::kNumScalarTypes == rt::kNumDTypes);

DType DTypeOf(ir::ScalarType scalar) { return static_cast<DType>(scalar); }

Status FromRt(const rt::Status& status) {
  return status.ok() ? Status::Ok() : Status::Error(status.message());
}

Expected<QuantParams> QuantParamsOf(const ir::TensorType& type) {
  if (!type.quant()) return Status::Error("type " + type.ToString() + " has no quantization spec");
  const ir::QuantSpec& spec = *type.quant();
  QuantParams p;
  switch (spec.granularity) {
    case ir::QuantGranularity::kPerTensor:
      p.granularity = QuantGranularity::kPerTensor;
      break;
    case ir::QuantGranularity::kPerAxis:
      p.granularity = QuantGranularity::kPerAxis;
      break;
    case ir::QuantGranularity::kPerBlock:
      p.granularity = QuantGranularity::kPerBlock;
      break;
  }
  p.axis = spec.axis;
  p.block_size = spec.block_size;
  p.scales = spec.scales;
  p.zero_points = spec.zero_points;
  return p;
}

Status SetResult(OpKernelContext& ctx, int i, rt::Result<Tensor> tensor) {
  if (!tensor.ok()) return FromRt(tensor.status());
  const DType want = DTypeOf(ctx.result_type(i).scalar());
  if (tensor->dtype() != want) {
    return Status::Error(ir::StrCat("the kernel produced ", rt::DTypeName(tensor->dtype()),
                                    " for result ", i, ", whose type is ",
                                    ctx.result_type(i).ToString()));
  }
  ctx.results[i] = std::move(*tensor);
  return Status::Ok();
}

}  // namespace kiln::ref
