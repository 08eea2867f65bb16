// The edge runtime's table from kernel key (an artifact op's `kernel`, e.g. "conv") to the
// factory of its EdgeKernel. Filled by explicit calls, one per kernel family, so a reader finds
// every kernel from RegisterEdgeKernels.
//
//   KernelRegistry registry;
//   RegisterEdgeKernels(registry);
//   if (KernelFactory f = registry.Find("conv")) std::unique_ptr<EdgeKernel> k = f();
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/edge/edge_kernel.h"

namespace kiln::edge {

using KernelFactory = std::unique_ptr<EdgeKernel> (*)();

class KernelRegistry {
 public:
  // A later registration of the same key replaces the earlier one.
  void Register(std::string_view key, KernelFactory factory) {
    factories_[std::string(key)] = factory;
  }
  KernelFactory Find(std::string_view key) const {
    auto it = factories_.find(key);
    return it == factories_.end() ? nullptr : it->second;
  }

 private:
  std::map<std::string, KernelFactory, std::less<>> factories_;
};

// XNNPACK: NHWC conv and pools (xnn_window_kernels.cc); fully connected, elementwise, softmax
// (xnn_elementwise_kernels.cc); quantize and dequantize (xnn_quant_kernels.cc).
void RegisterXnnWindowKernels(KernelRegistry& registry);
void RegisterXnnElementwiseKernels(KernelRegistry& registry);
void RegisterXnnQuantKernels(KernelRegistry& registry);
// The portable kernels (portable_kernels.cc): data movement, normalization, reductions, ...
void RegisterPortableKernels(KernelRegistry& registry);
// A new portable kernel for `key` (null when there is none): for an XNNPACK kernel that hands
// the cases it does not cover to the portable one.
std::unique_ptr<EdgeKernel> NewPortableKernel(std::string_view key);
// All of them, portable first: an XNNPACK kernel for the same key wins.
void RegisterEdgeKernels(KernelRegistry& registry);

}  // namespace kiln::edge
