// Cloud kernels for ops oneDNN does not cover, over the pure kernels of
// runtime/reference/kernels: plain layouts in and out. A fallback is a function from the op's
// attributes and input tensors to result tensors; FallbackKernel wraps the arena's buffers as
// tensors (no copy), calls it and copies each result into its output slot after checking its
// dtype and dims against the artifact. Slow next to oneDNN (it allocates its results), but
// correct for every op it lists; and ByteCopyKernel moves bytes for reshape-like ops, not at
// all when the planner put the result over its operand.
//
//   registry.Register("transpose", MakeFallback<RunTranspose>);
//   rt::Result<std::vector<ref::Tensor>> RunTranspose(const FallbackCall& call);
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/cloud/cloud_kernel.h"
#include "runtime/cloud/kernel_registry.h"
#include "runtime/core/op_attrs.h"
#include "runtime/core/result.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::cloud {

struct FallbackCall {
  const rt::OpAttrs& attrs;
  std::span<const ref::Tensor* const> inputs;  // null for an absent optional input
  std::span<const TensorInfo* const> outputs;  // the dtypes and dims the artifact expects
  int threads = 1;

  const ref::Tensor* input(int i) const {
    return i < static_cast<int>(inputs.size()) ? inputs[i] : nullptr;
  }
  // Input `i`, or an error naming it if absent.
  rt::Result<const ref::Tensor*> Required(int i) const;
  // The elements of integer input `i` (i32 or i64) as int64 values.
  rt::Result<std::vector<int64_t>> Ints(int i, std::string_view what) const;
};

using FallbackResults = rt::Result<std::vector<ref::Tensor>>;
using FallbackFn = FallbackResults (*)(const FallbackCall& call);

// The results of a one-result fallback.
inline FallbackResults OneResult(rt::Result<ref::Tensor> y) {
  if (!y.ok()) return y.status();
  std::vector<ref::Tensor> results;
  results.push_back(std::move(*y));
  return results;
}

class FallbackKernel : public CloudKernel {
 public:
  explicit FallbackKernel(FallbackFn fn) : fn_(fn) {}
  rt::Status Prepare(PrepareContext& ctx) override;
  rt::Status Run(const RunContext& ctx) override;

 private:
  FallbackFn fn_;
  const rt::OpAttrs* attrs_ = nullptr;
  std::vector<TensorInfo> inputs_;  // dtype + dims (data of constants)
  std::vector<bool> present_;
  std::vector<TensorInfo> outputs_;
  std::string where_;
};

template <FallbackFn kFn>
std::unique_ptr<CloudKernel> MakeFallback() {
  return std::make_unique<FallbackKernel>(kFn);
}

// Copies input 0's bytes to output 0 (same byte count): reshape, flatten, squeeze, unsqueeze,
// identity. Computes the output dims from the input's and the op's (constant) shape operand or
// attributes, and checks them against the artifact's.
enum class ByteCopyKind { kReshape, kFlatten, kSqueeze, kUnsqueeze, kIdentity };

class ByteCopyKernel : public CloudKernel {
 public:
  explicit ByteCopyKernel(ByteCopyKind kind) : kind_(kind) {}
  rt::Status Prepare(PrepareContext& ctx) override;
  rt::Status Run(const RunContext& ctx) override;

 private:
  rt::Result<Dims> OutputDims(const PrepareContext& ctx) const;
  ByteCopyKind kind_;
  size_t bytes_ = 0;
};

template <ByteCopyKind kKind>
std::unique_ptr<CloudKernel> MakeByteCopy() {
  return std::make_unique<ByteCopyKernel>(kKind);
}

// True when every dim is known (>= 0); the executor marks dims it cannot know before a kernel
// computes them (a symbolic product such as N*8) as -1.
inline bool DimsKnown(const Dims& dims) {
  for (int64_t d : dims) {
    if (d < 0) return false;
  }
  return true;
}

// One per family, in fallback_<family>.cc.
void RegisterFallbackMovementKernels(KernelRegistry& registry);
void RegisterFallbackElementwiseKernels(KernelRegistry& registry);
void RegisterFallbackNormalizationKernels(KernelRegistry& registry);

}  // namespace kiln::cloud
