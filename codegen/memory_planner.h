// Memory planning: where in one arena each intermediate buffer of a graph lives.
//
// The input is a list of buffer requests, each a size in bytes and a lifetime in op indices
// (live from the op that writes it, `first`, through its last reader, `last`, inclusive). Two
// buffers whose lifetimes intersect must not share bytes, unless one is written in place over
// the other: `inplace_of` names a buffer the producing op may overwrite, which is allowed
// when that buffer dies at the op (`last == first` of this one) and is at least as large.
//
// Two planners, the trivial one beside the clever one (STYLE.md habit 5): `PlanMemoryLinear`
// gives every buffer its own slot; `PlanMemoryGreedy` first ties in-place buffers to their
// operands, then places the largest buffers first, each at the lowest aligned offset where it
// overlaps nothing live at the same time (the idea of TensorFlow Lite Micro's greedy planner).
// `CheckMemoryPlan` verifies any plan against the rules; the planners know nothing of the IR
// (codegen/buffer_requests.h turns a graph into requests).
//
//   std::vector<BufferRequest> requests = {{.size = 400, .first = 0, .last = 1},
//                                          {.size = 400, .first = 1, .last = 2, .inplace_of = 0}};
//   MemoryPlan plan = PlanMemoryGreedy(requests);   // offsets {0, 0}, arena_size 448
//   assert(CheckMemoryPlan(requests, plan).ok());
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ir/status.h"

namespace kiln::codegen {

inline constexpr int64_t kDefaultAlignment = 64;

struct BufferRequest {
  int64_t size = 0;     // bytes; 0 takes no space
  int first = 0;        // index of the op that writes the buffer
  int last = 0;         // index of the last op that reads it (first <= last)
  int inplace_of = -1;  // a request this buffer may overwrite, or -1
};

struct MemoryPlan {
  std::vector<int64_t> offsets;  // one per request, in bytes from the arena's start
  int64_t arena_size = 0;        // the end of the furthest buffer, rounded up to the alignment
};

// True when `requests[i]` may share `requests[i].inplace_of`'s bytes (see above).
bool InPlaceAllowed(std::span<const BufferRequest> requests, int i);

// Every buffer in its own aligned slot, in request order: the baseline.
MemoryPlan PlanMemoryLinear(std::span<const BufferRequest> requests,
                            int64_t alignment = kDefaultAlignment);

// In-place reuse, then largest first (ties: earlier `first`, then lower index) into the first
// aligned gap that fits. Deterministic. Never larger than the linear plan: not proven, but
// checked on many random request sets. Quadratic in the number of requests.
MemoryPlan PlanMemoryGreedy(std::span<const BufferRequest> requests,
                            int64_t alignment = kDefaultAlignment);

// Checks a plan: well-formed requests, one offset each, aligned and non-negative, every buffer
// inside the arena, and no two buffers live at the same op sharing bytes except an allowed
// in-place pair at the same offset. The message names the first problem and the buffers.
Status CheckMemoryPlan(std::span<const BufferRequest> requests, const MemoryPlan& plan,
                       int64_t alignment = kDefaultAlignment);

}  // namespace kiln::codegen
