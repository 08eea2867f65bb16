// Writes a planned graph as a `.kiln` artifact (codegen/schema/kiln_artifact.fbs; the format is
// documented in docs/artifact.md).
//
// The tensor table lists the graph inputs (storage Input), the constants the ops use (Constant:
// packed into one blob, each at a 64-byte aligned offset), then every op result in program
// order (Arena: the plan's offset and reserved bytes). Ops keep their IR kind name as kernel
// key, their node name and their sorted attributes. A packed constant (packed_constant.h) is
// no op: its result is listed among the constants, an f32 tensor holding its operand's codes
// with `packed` set, and the operand itself is listed only if another op reads it. After the
// FlatBuffer comes the 16-byte checksum trailer (runtime/core/artifact_checksum.h), so the bytes
// returned are the whole file. The output is deterministic: the same graph, plan and options give
// the same bytes (no time stamps, paths or pointer-ordered iteration).
//
//   PlannedBuffers buffers{.requests = std::move(*requests), .plan = PlanMemoryGreedy(...)};
//   Expected<std::vector<uint8_t>> bytes = WriteArtifact(graph, buffers, {.target = "cloud"});
//   if (!bytes) return bytes.error();
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "codegen/buffer_requests.h"
#include "codegen/memory_planner.h"
#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::codegen {

// The arena layout of a graph: one request per op result (CollectBufferRequests) and the plan
// placing them (checked with CheckMemoryPlan).
struct PlannedBuffers {
  BufferRequests requests = {};
  MemoryPlan plan = {};
};

struct ArtifactOptions {
  std::string target = "";            // "cloud"
  std::string compiler_version = "";  // "kiln 0.1.0"
  std::string source_hash = "";       // "fnv1a64:0123456789abcdef"
  // The bound each symbolic dim was planned for (the `dims` table).
  std::map<std::string, int64_t> dims = {};
  std::map<std::string, std::string> metadata = {};
};

// Every graph output must be an op result of the root graph, each a different one
// (MaterializeGraphOutputs in codegen/materialize_outputs.h arranges that), and every op result
// must have a request in `buffers`. Errors name the value or constant.
Expected<std::vector<uint8_t>> WriteArtifact(const ir::Graph& graph, const PlannedBuffers& buffers,
                                             const ArtifactOptions& options);

}  // namespace kiln::codegen
