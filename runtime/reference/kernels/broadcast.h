// Numpy-style (multidirectional) broadcasting for elementwise kernels: the result shape of
// several operands, and a walk over the output in contiguous runs that tells where each
// operand's elements are. Dims that are broadcast or contiguous in every operand are merged
// first, so same-shape and scalar operands become one long run the kernel can vectorize.
//
//   rt::Result<Shape> out = BroadcastShapes({{2, 3}, {3}});        // [2,3]
//   BroadcastLayout l = MakeBroadcastLayout(*out, {{2, 3}, {3}});
//   ForEachBroadcastRun(l, threads, [&](const BroadcastRun& r) { /* r.length elements */ });
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// The shape all of `shapes` broadcast to; an error names the first incompatible pair.
rt::Result<Shape> BroadcastShapes(std::span<const Shape> shapes);
// Unidirectional broadcasting (PRelu's slope): ok when `from` broadcasts to exactly `to`.
rt::Status CheckBroadcastsTo(const Shape& from, const Shape& to);

inline constexpr int kMaxBroadcastOperands = 3;

struct BroadcastLayout {
  int num_operands = 0;
  // The output's dims after merging, outermost first; never empty.
  std::vector<int64_t> dims;
  // strides[k][i]: elements to step in operand k per step of dims[i]; 0 where broadcast.
  std::array<std::vector<int64_t>, kMaxBroadcastOperands> strides;
};

// `in` are the operand shapes (at most kMaxBroadcastOperands); each must broadcast to `out`.
BroadcastLayout MakeBroadcastLayout(const Shape& out, std::span<const Shape> in);

// A run of `length` consecutive output elements starting at `out`; operand k's elements start
// at `in[k]` and advance by `step[k]` (1, or 0 when broadcast along the run).
struct BroadcastRun {
  int64_t out = 0;
  std::array<int64_t, kMaxBroadcastOperands> in{};
  std::array<int64_t, kMaxBroadcastOperands> step{};
  int64_t length = 0;
};

// Calls `fn` once per run, covering every output element exactly once. Runs are at most a
// few thousand elements; with threads > 1 and a large output they are processed in parallel,
// so `fn` must only write the output elements of its run.
void ForEachBroadcastRun(const BroadcastLayout& layout, int threads,
                         const std::function<void(const BroadcastRun&)>& fn);

// The layout of a single operand of `num_elements` elements that is not broadcast.
BroadcastLayout FlatLayout(int64_t num_elements);

}  // namespace kiln::ref
