#include "frontends/onnx/op_table.h"

#include <utility>

namespace kiln::onnx_import {
namespace {

using ir::OpKind;

// ONNX op type -> Kiln op kind; each ONNX op listed once.
constexpr std::pair<std::string_view, OpKind> kOpTable[] = {
    {"Conv", OpKind::kConv},
    {"ConvTranspose", OpKind::kConvTranspose},
    {"Gemm", OpKind::kGemm},
    {"MatMul", OpKind::kMatMul},
    {"MaxPool", OpKind::kMaxPool},
    {"AveragePool", OpKind::kAveragePool},
    {"GlobalAveragePool", OpKind::kGlobalAveragePool},
    {"GlobalMaxPool", OpKind::kGlobalMaxPool},
    {"BatchNormalization", OpKind::kBatchNorm},
    {"LayerNormalization", OpKind::kLayerNorm},
    {"InstanceNormalization", OpKind::kInstanceNorm},
    {"Identity", OpKind::kIdentity},
    {"Relu", OpKind::kRelu},
    {"LeakyRelu", OpKind::kLeakyRelu},
    {"Elu", OpKind::kElu},
    {"Selu", OpKind::kSelu},
    {"Sigmoid", OpKind::kSigmoid},
    {"HardSigmoid", OpKind::kHardSigmoid},
    {"HardSwish", OpKind::kHardSwish},
    {"Tanh", OpKind::kTanh},
    {"Softplus", OpKind::kSoftplus},
    {"Softsign", OpKind::kSoftsign},
    {"Clip", OpKind::kClip},
    {"Erf", OpKind::kErf},
    {"Exp", OpKind::kExp},
    {"Log", OpKind::kLog},
    {"Sqrt", OpKind::kSqrt},
    {"Reciprocal", OpKind::kReciprocal},
    {"Neg", OpKind::kNeg},
    {"Abs", OpKind::kAbs},
    {"Floor", OpKind::kFloor},
    {"Ceil", OpKind::kCeil},
    {"Round", OpKind::kRound},
    {"Sign", OpKind::kSign},
    {"Sin", OpKind::kSin},
    {"Cos", OpKind::kCos},
    {"Not", OpKind::kNot},
    {"Add", OpKind::kAdd},
    {"Sub", OpKind::kSub},
    {"Mul", OpKind::kMul},
    {"Div", OpKind::kDiv},
    {"Pow", OpKind::kPow},
    {"Mod", OpKind::kMod},
    {"PRelu", OpKind::kPRelu},
    {"Min", OpKind::kMin},
    {"Max", OpKind::kMax},
    {"Equal", OpKind::kEqual},
    {"Less", OpKind::kLess},
    {"LessOrEqual", OpKind::kLessOrEqual},
    {"Greater", OpKind::kGreater},
    {"GreaterOrEqual", OpKind::kGreaterOrEqual},
    {"And", OpKind::kAnd},
    {"Or", OpKind::kOr},
    {"Xor", OpKind::kXor},
    {"Where", OpKind::kWhere},
    {"Softmax", OpKind::kSoftmax},
    {"LogSoftmax", OpKind::kLogSoftmax},
    {"ReduceMean", OpKind::kReduceMean},
    {"ReduceSum", OpKind::kReduceSum},
    {"ReduceMax", OpKind::kReduceMax},
    {"ReduceMin", OpKind::kReduceMin},
    {"ReduceProd", OpKind::kReduceProd},
    {"ReduceL2", OpKind::kReduceL2},
    {"ReduceSumSquare", OpKind::kReduceSumSquare},
    {"ArgMax", OpKind::kArgMax},
    {"ArgMin", OpKind::kArgMin},
    {"Reshape", OpKind::kReshape},
    {"Transpose", OpKind::kTranspose},
    {"Concat", OpKind::kConcat},
    {"Split", OpKind::kSplit},
    {"Slice", OpKind::kSlice},
    {"Gather", OpKind::kGather},
    {"GatherElements", OpKind::kGatherElements},
    {"Pad", OpKind::kPad},
    {"Resize", OpKind::kResize},
    {"Shape", OpKind::kShape},
    {"Size", OpKind::kSize},
    {"Expand", OpKind::kExpand},
    {"Squeeze", OpKind::kSqueeze},
    {"Unsqueeze", OpKind::kUnsqueeze},
    {"Flatten", OpKind::kFlatten},
    {"Tile", OpKind::kTile},
    {"Range", OpKind::kRange},
    {"ConstantOfShape", OpKind::kConstantOfShape},
    {"DepthToSpace", OpKind::kDepthToSpace},
    {"SpaceToDepth", OpKind::kSpaceToDepth},
    {"Cast", OpKind::kCast},
    {"QuantizeLinear", OpKind::kQuantize},
    {"DequantizeLinear", OpKind::kDequantize},
    {"Dropout", OpKind::kDropout},
    {"If", OpKind::kIf},
    {"Tan", OpKind::kTan},
    {"Asin", OpKind::kAsin},
    {"Acos", OpKind::kAcos},
    {"Atan", OpKind::kAtan},
    {"Sinh", OpKind::kSinh},
    {"Cosh", OpKind::kCosh},
    {"Asinh", OpKind::kAsinh},
    {"Acosh", OpKind::kAcosh},
    {"Atanh", OpKind::kAtanh},
    {"Shrink", OpKind::kShrink},
    {"ThresholdedRelu", OpKind::kThresholdedRelu},
    {"IsNaN", OpKind::kIsNaN},
    {"IsInf", OpKind::kIsInf},
    {"Sum", OpKind::kSum},
    {"Mean", OpKind::kMean},
    {"BitShift", OpKind::kBitShift},
    {"ReduceL1", OpKind::kReduceL1},
    {"ReduceLogSum", OpKind::kReduceLogSum},
    {"ReduceLogSumExp", OpKind::kReduceLogSumExp},
    {"Hardmax", OpKind::kHardmax},
    {"CumSum", OpKind::kCumSum},
    {"TopK", OpKind::kTopK},
    {"ReverseSequence", OpKind::kReverseSequence},
    {"GatherND", OpKind::kGatherND},
    {"ScatterElements", OpKind::kScatterElements},
    {"ScatterND", OpKind::kScatterND},
    {"OneHot", OpKind::kOneHot},
    {"Trilu", OpKind::kTrilu},
    {"EyeLike", OpKind::kEyeLike},
    {"Compress", OpKind::kCompress},
    {"NonZero", OpKind::kNonZero},
    {"Unique", OpKind::kUnique},
    {"Einsum", OpKind::kEinsum},
    {"Det", OpKind::kDet},
    {"LRN", OpKind::kLRN},
    {"MaxUnpool", OpKind::kMaxUnpool},
    {"GridSample", OpKind::kGridSample},
    {"RoiAlign", OpKind::kRoiAlign},
    {"NonMaxSuppression", OpKind::kNonMaxSuppression},
    {"RNN", OpKind::kRnn},
    {"GRU", OpKind::kGru},
    {"LSTM", OpKind::kLstm},
    // Scatter (opset 9-10) is ScatterElements without `reduction`.
    {"Scatter", OpKind::kScatterElements},
    {"Upsample", OpKind::kResize},  // opsets 7-9; legacy_ops.cc rewrites its operands
};

// The ONNX attributes whose names are not already ops.def's snake_case.
constexpr std::pair<std::string_view, std::string_view> kAttrRenames[] = {
    {"transA", "trans_a"},
    {"transB", "trans_b"},
};

}  // namespace

std::optional<OpKind> OpKindForOnnx(std::string_view onnx_op_type) {
  for (const auto& [name, kind] : kOpTable) {
    if (name == onnx_op_type) return kind;
  }
  return std::nullopt;
}

std::string_view KilnAttrName(std::string_view onnx_attr_name) {
  for (const auto& [from, to] : kAttrRenames) {
    if (from == onnx_attr_name) return to;
  }
  return onnx_attr_name;
}

}  // namespace kiln::onnx_import
