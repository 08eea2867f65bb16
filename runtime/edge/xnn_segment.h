// A run of consecutive XNNPACK kernels executed as one XNNPACK Subgraph and Runtime: one
// xnn_invoke_runtime for the whole run, so the thread pool's workers stay busy from one node to
// the next and are yielded to the system only at the end. Every value crossing a node is an
// external value bound to the executor's planned buffers (the memory plan stays Kiln's), so the
// bindings are set once per preparation.
//
//   XnnSegment segment;
//   segment.Add(kernel, inputs, outputs);   // for each kernel, in execution order
//   if (rt::Status s = segment.Create(threadpool); !s.ok()) return s;
//   s = segment.Run();                      // every run
#pragma once

#include <vector>

#include "runtime/edge/xnn_api.h"
#include "runtime/edge/xnn_kernel.h"

namespace kiln::edge {

class XnnSegment {
 public:
  // Appends `kernel` with its buffers (inputs null where absent); they live as long as this.
  void Add(XnnKernel* kernel, std::vector<const void*> inputs, std::vector<void*> outputs);
  bool empty() const { return kernels_.empty(); }
  // Defines every kernel's values and nodes, creates the Runtime (packing weights) and binds
  // the buffers.
  rt::Status Create(pthreadpool_t threadpool);
  // Runs the Runtime, then the last kernel's portable post-op, if any.
  rt::Status Run();

 private:
  struct Entry {
    XnnKernel* kernel;
    std::vector<const void*> inputs;
    std::vector<void*> outputs;
  };
  std::vector<Entry> kernels_;
  XnnRuntime runtime_;
  std::vector<xnn_external_value> values_;
};

}  // namespace kiln::edge
