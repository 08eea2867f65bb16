#include "runtime/edge/xnn_segment.h"

namespace kiln::edge {

void XnnSegment::Add(XnnKernel* kernel, std::vector<const void*> inputs,
                     std::vector<void*> outputs) {
  kernels_.push_back({kernel, std::move(inputs), std::move(outputs)});
}

rt::Status XnnSegment::Create(pthreadpool_t threadpool) {
  uint32_t num_external = 0;
  for (const Entry& e : kernels_) num_external += e.kernel->num_external_values();
  const std::string where = "XNNPACK subgraph of " + std::to_string(kernels_.size()) + " ops";
  xnn_subgraph_t raw = nullptr;
  if (xnn_status s = xnn_create_subgraph(num_external, 0, &raw); s != xnn_status_success) {
    return XnnError(s, where, "create subgraph");
  }
  XnnSubgraph subgraph(raw);
  uint32_t next_id = 0;
  values_.clear();
  for (Entry& e : kernels_) {
    if (rt::Status s = e.kernel->Define(raw, &next_id); !s.ok()) return s;
    e.kernel->AppendExternalValues(e.inputs, e.outputs, values_);
  }
  xnn_runtime_t runtime = nullptr;
  if (xnn_status s = xnn_create_runtime_v2(raw, threadpool, XNN_FLAG_YIELD_WORKERS, &runtime);
      s != xnn_status_success) {
    return XnnError(s, where, "create runtime");
  }
  runtime_.reset(runtime);
  if (xnn_status s = xnn_setup_runtime(runtime, values_.size(), values_.data());
      s != xnn_status_success) {
    return XnnError(s, where, "setup");
  }
  return rt::Status::Ok();
}

rt::Status XnnSegment::Run() {
  if (xnn_status s = xnn_invoke_runtime(runtime_.get()); s != xnn_status_success) {
    return XnnError(s, "XNNPACK subgraph of " + std::to_string(kernels_.size()) + " ops", "run");
  }
  kernels_.back().kernel->RunPostOp();
  return rt::Status::Ok();
}

}  // namespace kiln::edge
