// A compilation target: what one runtime can execute, and how to write an artifact for it.
//
// CompileModel (codegen/compile.h) asks the target, in order: which legalization passes to run
// after the optimization pipeline, whether every op is supported (the message says why not),
// how many bytes each planned tensor needs (a runtime may pad its layouts), and finally to emit
// the artifact. Targets are found by name in codegen/target_registry.h.
//
//   const Target* t = *FindTarget("cloud");
//   if (Status s = t->check_supported(op); !s.ok()) return s;   // "op 'if' is not supported ..."
//   Expected<std::vector<uint8_t>> bytes = t->emit(graph, buffers, options);
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "codegen/artifact_writer.h"
#include "ir/op.h"
#include "ir/status.h"
#include "passes/pass_manager.h"

namespace kiln::codegen {

class Target {
 public:
  virtual ~Target() = default;

  // The name `--target` takes: "cloud", "edge".
  virtual std::string_view name() const = 0;

  // Ok, or one line saying why the runtime cannot execute `op` ("op 'if' is not supported by
  // target 'cloud'", "f16 operands are not supported by target 'cloud'"). The caller names
  // the node.
  virtual Status check_supported(const ir::Op& op) const = 0;
  bool supports(const ir::Op& op) const { return check_supported(op).ok(); }

  // Appends the passes that lower IR ops to what the runtime executes; runs after the
  // optimization pipeline.
  virtual void add_legalization(PassManager& pm) const = 0;

  // Bytes the runtime needs for a planned (arena) tensor of `type` whose dims are `dims`, all
  // static (symbols at their bounds). Dense storage unless the runtime pads its layouts.
  virtual int64_t buffer_bytes(const ir::TensorType& type, std::span<const int64_t> dims) const;

  // The artifact bytes for a graph this target supports, planned with buffer_bytes.
  virtual Expected<std::vector<uint8_t>> emit(const ir::Graph& graph, const PlannedBuffers& buffers,
                                              const ArtifactOptions& options) const = 0;
};

// The check both runtimes share: `op` is one of `kinds`, has no regions, its operands are f32
// (constants may also be i32/i64: shapes, starts, indices) and its results f32. The message
// names `target`.
Status CheckSupportedF32(const ir::Op& op, std::span<const ir::OpKind> kinds,
                         std::string_view target);

}  // namespace kiln::codegen
