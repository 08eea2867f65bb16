// The cloud runtime's table from kernel key (an artifact op's `kernel`, e.g. "conv") to the
// factory of its CloudKernel. Filled by explicit calls, one per kernel family, so a reader
// finds every kernel from RegisterCloudKernels.
//
//   KernelRegistry registry;
//   RegisterCloudKernels(registry);
//   if (KernelFactory f = registry.Find("conv")) std::unique_ptr<CloudKernel> k = f();
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cloud/cloud_kernel.h"

namespace kiln::cloud {

using KernelFactory = std::unique_ptr<CloudKernel> (*)();

class KernelRegistry {
 public:
  // A later registration of the same key replaces the earlier one (oneDNN kernels are
  // registered after the fallbacks and win).
  void Register(std::string_view key, KernelFactory factory) {
    factories_[std::string(key)] = factory;
  }
  KernelFactory Find(std::string_view key) const {
    auto it = factories_.find(key);
    return it == factories_.end() ? nullptr : it->second;
  }
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    for (const auto& [key, factory] : factories_) keys.push_back(key);
    return keys;
  }

 private:
  std::map<std::string, KernelFactory, std::less<>> factories_;
};

// Portable kernels over runtime/reference/kernels (plain layouts only).
void RegisterFallbackKernels(KernelRegistry& registry);
// oneDNN kernels (dnnl_*_kernel.cc).
void RegisterDnnlKernels(KernelRegistry& registry);
// Both, fallbacks first.
void RegisterCloudKernels(KernelRegistry& registry);

// A new fallback kernel for `key` (null when there is none): for a oneDNN kernel that hands the
// cases it does not cover (a dtype, a non-constant operand) to the portable one.
std::unique_ptr<CloudKernel> NewFallbackKernel(std::string_view key);

}  // namespace kiln::cloud
