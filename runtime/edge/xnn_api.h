// The one file of Kiln that includes <xnnpack.h> (Debian's 2022 XNNPACK snapshot): the edge
// runtime's kernels reach XNNPACK through here. XNNPACK is initialized once per process; a
// Subgraph and a Runtime are owned by RAII handles; a failed xnn_status becomes a one-line
// rt::Status naming the op.
//
//   if (rt::Status s = InitializeXnnpack(); !s.ok()) return s;
//   XnnSubgraph subgraph;
//   XNN_TRY(xnn_create_subgraph(3, 0, subgraph.out()), where, "create subgraph");
#pragma once

#include <xnnpack.h>

#include <memory>
#include <string>
#include <string_view>

#include "runtime/core/result.h"

namespace kiln::edge {

// xnn_initialize once per process (thread-safe); an error on CPUs XNNPACK does not support.
rt::Status InitializeXnnpack();

// "op 3 ('Conv_3', conv): XNNPACK <what> failed: invalid parameter".
rt::Status XnnError(xnn_status status, std::string_view where, std::string_view what);

struct XnnSubgraphDelete {
  void operator()(xnn_subgraph_t s) const { xnn_delete_subgraph(s); }
};
struct XnnRuntimeDelete {
  void operator()(xnn_runtime_t r) const { xnn_delete_runtime(r); }
};
struct ThreadPoolDelete {
  void operator()(pthreadpool_t p) const { pthreadpool_destroy(p); }
};
using XnnSubgraph = std::unique_ptr<xnn_subgraph, XnnSubgraphDelete>;
using XnnRuntime = std::unique_ptr<xnn_runtime, XnnRuntimeDelete>;
using ThreadPool = std::unique_ptr<pthreadpool, ThreadPoolDelete>;

// A pool of `threads` workers (the caller counts as one); null for 1 thread (XNNPACK then runs
// on the caller alone).
ThreadPool MakeThreadPool(int threads);

}  // namespace kiln::edge
