// The `kiln opt --stats` report: how many ops of each kind a model had before and after the
// pipeline, and its parameter bytes, summed over every graph the command processed.
//
//   OpCountChange counts;
//   counts.AddBefore(ComputeGraphStats(graph));  pm.Run(graph);  counts.AddAfter(...);
//   std::cerr << counts.Format();
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "tools/kiln/graph_summary.h"

namespace kiln::cli {

class OpCountChange {
 public:
  void AddBefore(const GraphStats& stats) { Add(stats, before_); }
  void AddAfter(const GraphStats& stats) { Add(stats, after_); }

  // One row per op kind (sorted by name) with before, after and the difference, then totals
  // and parameter bytes. Deterministic: the same graphs give the same text.
  std::string Format() const;

 private:
  struct Side {
    std::map<std::string, int64_t> ops;
    int64_t total_ops = 0;
    int64_t parameter_bytes = 0;
  };
  static void Add(const GraphStats& stats, Side& side);

  Side before_;
  Side after_;
};

}  // namespace kiln::cli
