// Runs an ir::Graph on the CPU with the reference kernels. Passes that need numbers
// (constant folding, calibration, sensitivity analysis) use it through the Executor interface;
// `kiln run MODEL.onnx` uses it too. It can hand back any intermediate value, not only the
// graph outputs: calibration observes every op result.
//
//   std::unique_ptr<Executor> ex = CreateReferenceExecutor(graph);
//   Expected<std::vector<Tensor>> out = ex->Run({x}, {.threads = 2});
//   RunOptions o; o.observer = [](const ir::Value& v, const Tensor& t) { Record(v, t); };
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

struct RunOptions {
  int threads = 1;
  // Called once for every op result of the top-level graph, in execution order, as soon as it
  // is computed. The tensor stays valid after the call (copies share storage).
  std::function<void(const ir::Value& value, const Tensor& tensor)> observer;
  // Extra values (op results, inputs or constants of the top-level graph) to return after the
  // graph outputs, in this order.
  std::vector<const ir::Value*> fetch;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // `inputs` bind the graph inputs by position; their dtypes must match and their shapes must
  // agree with every static dim of the input types. Returns the graph outputs, then `fetch`.
  // Errors name the op: "node 'Conv_3' (conv): operand 1 has 3 dims, expected 4".
  virtual Expected<std::vector<Tensor>> Run(std::span<const Tensor> inputs,
                                            const RunOptions& options = {}) = 0;
};

// The graph must outlive the executor and not change while it exists.
std::unique_ptr<Executor> CreateReferenceExecutor(const ir::Graph& graph);

}  // namespace kiln::ref
