#include "tools/kiln/op_profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace kiln::cli {

std::string FormatOpProfile(const std::vector<OpTime>& times, int top) {
  struct KernelTotal {
    int ops = 0;
    double ms = 0;
  };
  std::map<std::string, KernelTotal> by_kernel;
  double total = 0;
  for (const OpTime& t : times) {
    KernelTotal& k = by_kernel[t.kernel];
    ++k.ops;
    k.ms += t.mean_ms;
    total += t.mean_ms;
  }
  std::vector<std::pair<std::string, KernelTotal>> kernels(by_kernel.begin(), by_kernel.end());
  std::stable_sort(kernels.begin(), kernels.end(),
                   [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
  const auto share = [&](double ms) { return total > 0 ? 100.0 * ms / total : 0.0; };

  std::string out = fmt::format(
      "per-op time (mean of the timed runs; {:.3f} ms summed over {} ops)\n", total, times.size());
  out += fmt::format("  {:<28} {:>5} {:>10} {:>7}\n", "kernel", "ops", "ms", "share");
  for (const auto& [kernel, k] : kernels) {
    out += fmt::format("  {:<28} {:>5} {:>10.3f} {:>6.1f}%\n", kernel, k.ops, k.ms, share(k.ms));
  }
  std::vector<OpTime> slowest = times;
  std::stable_sort(slowest.begin(), slowest.end(),
                   [](const OpTime& a, const OpTime& b) { return a.mean_ms > b.mean_ms; });
  slowest.resize(std::min<size_t>(slowest.size(), static_cast<size_t>(std::max(top, 0))));
  out += fmt::format("  slowest {} ops:\n", slowest.size());
  for (const OpTime& t : slowest) {
    out += fmt::format("  {:>5}  {:<16} {:>10.3f} {:>6.1f}%  {}\n", t.index, t.kernel, t.mean_ms,
                       share(t.mean_ms), t.name);
  }
  return out;
}

nlohmann::json OpProfileJson(const std::vector<OpTime>& times) {
  nlohmann::json ops = nlohmann::json::array();
  for (const OpTime& t : times) {
    ops.push_back(
        {{"index", t.index}, {"name", t.name}, {"kernel", t.kernel}, {"mean_ms", t.mean_ms}});
  }
  return ops;
}

}  // namespace kiln::cli
