// The steps every fusion pass shares: visiting the ops of a graph and of its regions while
// erasing some of them, asking whether an op can take one more step into itself (no fused
// activation yet, plain f32), and handing the value a fused op replaces to that op's result.
//
//   ForEachOp(graph, [&](ir::Op* relu) { /* may erase relu and ops before it */ });
//   if (CanFuseInto(*conv) && HasOneUse(conv->result())) ...
//   TakeOverResult(conv->result(), relu->result());   // uses, graph outputs, name, type
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "ir/graph.h"
#include "ir/op.h"

namespace kiln {

// Calls `visit` on every op of `graph` and of the regions nested in it, in program order
// (a region's ops before the op that owns it). `visit` may erase the op it is given and ops
// before it, never ops after it.
void ForEachOp(ir::Graph& graph, const std::function<void(ir::Op*)>& visit);

// `op` is a conv, conv_transpose, gemm, matmul or linear with one result and no fused
// activation yet.
bool HasNoActivation(const ir::Op& op);
// HasNoActivation, no residual, and a plain f32 result: a bias or a batch_norm may still fold
// into it.
bool CanFuseInto(const ir::Op& op);

// `fused` (the result of the op a fusion grew) takes the place of `replaced`: every use and
// graph output, its name, and its type when that is ranked (both describe the same tensor;
// the replaced one is what its users were checked against).
void TakeOverResult(ir::Value* fused, ir::Value* replaced);

// The static sizes of a ranked, static type; nullopt otherwise.
std::optional<std::vector<int64_t>> StaticSizes(const ir::TensorType* type);

// Output channels of a conv (weight [O, I/g, k...]) or conv_transpose (weight [I, O/g, k...]
// times group), from the weight's static dims or else the result's channel dim.
std::optional<int64_t> ConvOutputChannels(const ir::Op& conv);

// The values of an f32 constant added to a rank-`rank` tensor when it varies along `axis`
// only: shape [..., size, 1, ...] aligned from the right (leading ones allowed, no more than
// `rank` dims), or a single element (repeated). nullopt for any other shape or constant.
std::optional<std::vector<float>> ValuesAlongAxis(const ir::Value* constant, int rank, int axis,
                                                  int64_t size);

// A new f32 constant in `graph` whose value is named after its pool entry.
ir::Value* AddNamedFloatConstant(ir::Graph& graph, const std::vector<int64_t>& sizes,
                                 const std::vector<float>& values, std::string_view name_hint);

// The pool name of a constant value ("" for anything else).
std::string_view ConstantName(const ir::Value* value);

// Gemm computes Y = alpha * A'B' + beta * C with C broadcast to [M, N]. Folding a per-column
// map Y * scale[n] + shift[n] into it (after the caller scaled B's columns) needs a new C:
// C'[m, n] = scale[n] * beta * C[m, n] + shift[n], used with beta = 1. Returns C' (shape [N],
// or [M, N] when C varies along M), or nullopt when C is present but not an f32 constant of
// a shape that broadcasts to [M, N].
struct GemmBias {
  std::vector<int64_t> sizes;
  std::vector<float> values;
};
std::optional<GemmBias> FoldIntoGemmBias(const ir::Op& gemm, const std::vector<double>& scale,
                                         const std::vector<double>& shift);
// Puts `bias` into gemm as its C (a new constant) and sets beta to 1.
void SetGemmBias(ir::Op& gemm, const GemmBias& bias, std::string_view name_hint);

}  // namespace kiln
