#include "codegen/memory_planner.h"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <string>

#include "ir/str_cat.h"

namespace kiln::codegen {
namespace {

using ir::StrCat;

int64_t AlignUp(int64_t x, int64_t alignment) {
  return (x + alignment - 1) / alignment * alignment;
}

bool LiveTogether(const BufferRequest& a, const BufferRequest& b) {
  return a.first <= b.last && b.first <= a.last;
}

bool BytesOverlap(int64_t offset_a, int64_t size_a, int64_t offset_b, int64_t size_b) {
  return size_a > 0 && size_b > 0 && offset_a < offset_b + size_b && offset_b < offset_a + size_a;
}

// True when one of `a`, `b` may be written in place over the other.
bool InPlacePair(std::span<const BufferRequest> requests, int a, int b) {
  return (requests[a].inplace_of == b && InPlaceAllowed(requests, a)) ||
         (requests[b].inplace_of == a && InPlaceAllowed(requests, b));
}

// The request's own fields make sense (CheckMemoryPlan reports what this asserts).
std::string RequestProblem(std::span<const BufferRequest> requests, int i) {
  const BufferRequest& r = requests[i];
  if (r.size < 0) return StrCat("buffer ", i, " has negative size ", r.size);
  if (r.first > r.last) {
    return StrCat("buffer ", i, " has lifetime [", r.first, ", ", r.last,
                  "] ending before it starts");
  }
  const int n = static_cast<int>(requests.size());
  if (r.inplace_of != -1 && (r.inplace_of < 0 || r.inplace_of >= n || r.inplace_of == i)) {
    return StrCat("buffer ", i, " has inplace_of ", r.inplace_of, ", which is not another buffer");
  }
  return "";
}

void AssertWellFormed([[maybe_unused]] std::span<const BufferRequest> requests,
                      [[maybe_unused]] int64_t alignment) {
  assert(alignment > 0 && "alignment must be positive");
#ifndef NDEBUG
  for (int i = 0; i < static_cast<int>(requests.size()); ++i) {
    assert(RequestProblem(requests, i).empty() && "malformed BufferRequest");
  }
#endif
}

// Buffers that will share one offset: chains of allowed in-place pairs. Two chains join only
// when no two of their buffers would collide at a common offset (a third buffer in the chain
// may be live at the same time as one that is not its direct partner).
std::vector<std::vector<int>> InPlaceGroups(std::span<const BufferRequest> requests) {
  const int n = static_cast<int>(requests.size());
  std::vector<int> group(n);
  std::iota(group.begin(), group.end(), 0);
  std::vector<std::vector<int>> members(n);
  for (int i = 0; i < n; ++i) members[i] = {i};

  auto can_merge = [&](const std::vector<int>& a, const std::vector<int>& b) {
    for (int x : a) {
      for (int y : b) {
        if (requests[x].size > 0 && requests[y].size > 0 &&
            LiveTogether(requests[x], requests[y]) && !InPlacePair(requests, x, y)) {
          return false;
        }
      }
    }
    return true;
  };
  for (int i = 0; i < n; ++i) {
    if (!InPlaceAllowed(requests, i)) continue;
    const int from = group[i];
    const int to = group[requests[i].inplace_of];
    if (from == to || !can_merge(members[from], members[to])) continue;
    for (int x : members[from]) group[x] = to;
    members[to].insert(members[to].end(), members[from].begin(), members[from].end());
    members[from].clear();
  }
  std::erase_if(members, [](const std::vector<int>& m) { return m.empty(); });
  return members;
}

// One group to place: its members share an offset.
struct Unit {
  std::vector<int> members;
  int64_t size = 0;  // of the largest member
  int first = 0;     // earliest member start
  int index = 0;     // lowest member index
};

// Bytes a placed buffer occupies, and the largest unit member live together with it.
struct Taken {
  int64_t start;
  int64_t end;
  int64_t need;  // the largest unit member live together with it
};

// The lowest aligned offset where the unit's members collide with nothing in `taken`.
int64_t FirstFit(std::vector<Taken>& taken, int64_t alignment) {
  std::sort(taken.begin(), taken.end(),
            [](const Taken& a, const Taken& b) { return a.start < b.start; });
  int64_t offset = 0;
  // Every move jumps past a range that blocks all offsets up to its end, so the first offset
  // where nothing blocks is the lowest that fits.
  for (bool moved = true; moved;) {
    moved = false;
    for (const Taken& t : taken) {
      if (t.start < offset + t.need && offset < t.end) {
        offset = AlignUp(t.end, alignment);
        moved = true;
      }
    }
  }
  return offset;
}

}  // namespace

bool InPlaceAllowed(std::span<const BufferRequest> requests, int i) {
  const int n = static_cast<int>(requests.size());
  const BufferRequest& r = requests[i];
  if (r.inplace_of < 0 || r.inplace_of >= n || r.inplace_of == i) return false;
  const BufferRequest& target = requests[r.inplace_of];
  return target.last == r.first && target.size >= r.size;
}

MemoryPlan PlanMemoryLinear(std::span<const BufferRequest> requests, int64_t alignment) {
  AssertWellFormed(requests, alignment);
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  for (size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].size == 0) continue;
    plan.offsets[i] = AlignUp(plan.arena_size, alignment);
    plan.arena_size = plan.offsets[i] + requests[i].size;
  }
  plan.arena_size = AlignUp(plan.arena_size, alignment);
  return plan;
}

MemoryPlan PlanMemoryGreedy(std::span<const BufferRequest> requests, int64_t alignment) {
  AssertWellFormed(requests, alignment);
  std::vector<Unit> units;
  for (std::vector<int>& members : InPlaceGroups(requests)) {
    Unit u{.members = std::move(members)};
    u.first = requests[u.members[0]].first;
    u.index = u.members[0];
    for (int m : u.members) {
      u.size = std::max(u.size, requests[m].size);
      u.first = std::min(u.first, requests[m].first);
      u.index = std::min(u.index, m);
    }
    units.push_back(std::move(u));
  }
  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    if (a.size != b.size) return a.size > b.size;
    if (a.first != b.first) return a.first < b.first;
    return a.index < b.index;
  });

  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<int> placed;
  std::vector<Taken> taken;
  for (const Unit& unit : units) {
    if (unit.size == 0) continue;  // takes no space: offset 0
    taken.clear();
    for (int p : placed) {
      int64_t need = 0;
      for (int m : unit.members) {
        if (LiveTogether(requests[m], requests[p])) need = std::max(need, requests[m].size);
      }
      if (need > 0) taken.push_back({plan.offsets[p], plan.offsets[p] + requests[p].size, need});
    }
    const int64_t offset = FirstFit(taken, alignment);
    for (int m : unit.members) {
      plan.offsets[m] = offset;
      if (requests[m].size > 0) placed.push_back(m);
    }
    plan.arena_size = std::max(plan.arena_size, offset + unit.size);
  }
  plan.arena_size = AlignUp(plan.arena_size, alignment);
  return plan;
}

Status CheckMemoryPlan(std::span<const BufferRequest> requests, const MemoryPlan& plan,
                       int64_t alignment) {
  const int n = static_cast<int>(requests.size());
  if (alignment <= 0) return Status::Error(StrCat("alignment ", alignment, " is not positive"));
  if (plan.offsets.size() != requests.size()) {
    return Status::Error(
        StrCat("plan has ", plan.offsets.size(), " offsets for ", requests.size(), " buffers"));
  }
  for (int i = 0; i < n; ++i) {
    if (std::string problem = RequestProblem(requests, i); !problem.empty()) {
      return Status::Error(problem);
    }
    const int64_t offset = plan.offsets[i];
    if (offset < 0) return Status::Error(StrCat("buffer ", i, " is at negative offset ", offset));
    if (offset % alignment != 0) {
      return Status::Error(
          StrCat("buffer ", i, " is at offset ", offset, ", not a multiple of ", alignment));
    }
    if (offset + requests[i].size > plan.arena_size) {
      return Status::Error(StrCat("buffer ", i, " (bytes [", offset, ", ",
                                  offset + requests[i].size, ")) ends past the arena of ",
                                  plan.arena_size, " bytes"));
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const BufferRequest& a = requests[i];
      const BufferRequest& b = requests[j];
      const int64_t oa = plan.offsets[i];
      const int64_t ob = plan.offsets[j];
      if (!LiveTogether(a, b) || !BytesOverlap(oa, a.size, ob, b.size)) continue;
      if (oa == ob && InPlacePair(requests, i, j)) continue;
      return Status::Error(StrCat("buffers ", i, " and ", j, " overlap: bytes [", oa, ", ",
                                  oa + a.size, ") and [", ob, ", ", ob + b.size,
                                  ") are both live at op ", std::max(a.first, b.first)));
    }
  }
  return Status::Ok();
}

}  // namespace kiln::codegen
