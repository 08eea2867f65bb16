#include "runtime/core/arena_plan_check.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace kiln::rt {
namespace {

using flatbuffers::uoffset_t;

struct Slot {
  uint64_t begin = 0, end = 0;  // bytes [begin, end) of the arena
  int first = 0, last = 0;      // live during ops [first, last]
  int tensor = 0;
};

// Two live slots at the same offset may share bytes only as an in-place pair: the later one is
// written by the op that ends the earlier one's lifetime, and that op reads the earlier one. The
// last clause needs no search: an arena tensor's lifetime ends at its last reader, or at num_ops
// for a model output (where no op starts anything), or where it is written when nothing reads it
// (then last == first, and the later slot starts after that).
bool IsInPlacePair(const Slot& a, const Slot& b) {
  const Slot& earlier = a.first <= b.first ? a : b;
  const Slot& later = a.first <= b.first ? b : a;
  return earlier.begin == later.begin && earlier.first < later.first && earlier.last == later.first;
}

Status Conflict(const Slot& a, const Slot& b, const ArtifactMessages& say) {
  const Slot& x = a.tensor < b.tensor ? a : b;
  const Slot& y = a.tensor < b.tensor ? b : a;
  return say.Error(say.Tensor(x.tensor) + " and " + say.Tensor(y.tensor) + " share arena bytes [" +
                   std::to_string(std::max(a.begin, b.begin)) + ", " +
                   std::to_string(std::min(a.end, b.end)) + ") while both are live (op " +
                   std::to_string(std::max(a.first, b.first)) + ")");
}

}  // namespace

Status CheckArenaPlan(const artifact::Model& model, const TensorLifetimes& lifetimes,
                      const ArtifactMessages& say) {
  const auto& tensors = *model.tensors();
  std::vector<Slot> slots;
  for (uoffset_t t = 0; t < tensors.size(); ++t) {
    const artifact::Tensor& tensor = *tensors.Get(t);
    // An empty slot holds no bytes, so it cannot clash with anything.
    if (tensor.storage() != artifact::Storage::Arena || tensor.bytes() == 0) continue;
    // Offsets and sizes were checked: offset + bytes <= arena_bytes does not overflow.
    slots.push_back({tensor.offset(), tensor.offset() + tensor.bytes(), lifetimes.producer[t],
                     lifetimes.last_use[t], static_cast<int>(t)});
  }
  std::vector<int> by_first(slots.size()), by_last(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) by_first[i] = by_last[i] = static_cast<int>(i);
  std::stable_sort(by_first.begin(), by_first.end(),
                   [&](int a, int b) { return slots[a].first < slots[b].first; });
  std::stable_sort(by_last.begin(), by_last.end(),
                   [&](int a, int b) { return slots[a].last < slots[b].last; });

  // The live slots by offset. Invariant: live slots at different offsets are disjoint (a clash
  // would have been reported), and those at one offset are in-place pairs, so at most two. Hence
  // a new slot can only clash with the group at the nearest lower offset, with its own offset's
  // group, and with the nearest higher group.
  using LiveMap = std::multimap<uint64_t, int>;
  LiveMap live;
  std::vector<LiveMap::iterator> position(slots.size());
  size_t expired = 0;
  for (int index : by_first) {
    const Slot& slot = slots[index];
    // Every slot that ends before this one starts was inserted already (first <= last).
    for (; expired < by_last.size() && slots[by_last[expired]].last < slot.first; ++expired) {
      live.erase(position[by_last[expired]]);
    }
    auto next = live.lower_bound(slot.begin);
    if (next != live.begin()) {
      auto lower = std::prev(next);
      const uint64_t group = lower->first;
      for (;; --lower) {
        if (lower->first != group) break;
        if (slots[lower->second].end > slot.begin) return Conflict(slots[lower->second], slot, say);
        if (lower == live.begin()) break;
      }
    }
    for (; next != live.end() && next->first == slot.begin; ++next) {
      if (!IsInPlacePair(slots[next->second], slot)) {
        return Conflict(slots[next->second], slot, say);
      }
    }
    if (next != live.end() && next->first < slot.end) {
      return Conflict(slots[next->second], slot, say);
    }
    position[index] = live.emplace(slot.begin, index);
  }
  return Status::Ok();
}

}  // namespace kiln::rt
