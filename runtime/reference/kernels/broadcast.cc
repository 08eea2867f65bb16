#include "runtime/reference/kernels/broadcast.h"

#include <algorithm>

namespace kiln::ref {
namespace {

// Elements per run, and the output size below which threads are not worth starting.
constexpr int64_t kRunBlock = 8192;
constexpr int64_t kParallelMinElements = int64_t{1} << 15;

}  // namespace

rt::Result<Shape> BroadcastShapes(std::span<const Shape> shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  std::vector<int> source(rank, -1);  // which operand set out[i], for messages
  for (size_t k = 0; k < shapes.size(); ++k) {
    const Shape& s = shapes[k];
    const size_t offset = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      const int64_t d = s[i];
      int64_t& o = out[offset + i];
      if (d == 1) continue;
      if (o == 1 || o == d) {
        if (o == 1) source[offset + i] = static_cast<int>(k);
        o = d;
        continue;
      }
      const int j = source[offset + i];
      return rt::Status::Error("operand " + std::to_string(k) + " has shape " + ShapeString(s) +
                               ", which does not broadcast with operand " + std::to_string(j) +
                               "'s " + ShapeString(shapes[j]));
    }
  }
  return out;
}

rt::Status CheckBroadcastsTo(const Shape& from, const Shape& to) {
  bool ok = from.size() <= to.size();
  for (size_t i = 0; ok && i < from.size(); ++i) {
    const int64_t d = from[from.size() - 1 - i];
    ok = d == 1 || d == to[to.size() - 1 - i];
  }
  if (ok) return rt::Status::Ok();
  return rt::Status::Error("shape " + ShapeString(from) + " does not broadcast to " +
                           ShapeString(to));
}

BroadcastLayout MakeBroadcastLayout(const Shape& out, std::span<const Shape> in) {
  const int num = static_cast<int>(in.size());
  const size_t rank = out.size();
  // Per operand: the dense strides of its shape aligned to the output's rank, 0 where the
  // operand's dim is 1.
  std::array<std::vector<int64_t>, kMaxBroadcastOperands> aligned;
  for (int k = 0; k < num; ++k) {
    aligned[k].assign(rank, 0);
    const Shape& s = in[k];
    const size_t offset = rank - s.size();
    int64_t stride = 1;
    for (size_t i = s.size(); i-- > 0;) {
      aligned[k][offset + i] = s[i] == 1 ? 0 : stride;
      stride *= s[i];
    }
  }
  BroadcastLayout layout;
  layout.num_operands = num;
  for (size_t i = 0; i < rank; ++i) {
    if (out[i] == 1) continue;  // contributes nothing to any offset
    bool merge = !layout.dims.empty();
    for (int k = 0; merge && k < num; ++k) {
      merge = layout.strides[k].back() == aligned[k][i] * out[i];
    }
    if (merge) {
      layout.dims.back() *= out[i];
      for (int k = 0; k < num; ++k) layout.strides[k].back() = aligned[k][i];
    } else {
      layout.dims.push_back(out[i]);
      for (int k = 0; k < num; ++k) layout.strides[k].push_back(aligned[k][i]);
    }
  }
  if (layout.dims.empty()) {  // every dim is 1: a single element
    layout.dims.push_back(1);
    for (int k = 0; k < num; ++k) layout.strides[k].push_back(0);
  }
  return layout;
}

BroadcastLayout FlatLayout(int64_t num_elements) {
  BroadcastLayout layout;
  layout.num_operands = 1;
  layout.dims = {num_elements};
  layout.strides[0] = {1};
  return layout;
}

void ForEachBroadcastRun(const BroadcastLayout& layout, int threads,
                         const std::function<void(const BroadcastRun&)>& fn) {
  const int num = layout.num_operands;
  const int outer_rank = static_cast<int>(layout.dims.size()) - 1;
  const int64_t inner = layout.dims.back();
  int64_t rows = 1;
  for (int i = 0; i < outer_rank; ++i) rows *= layout.dims[i];
  if (inner == 0 || rows == 0) return;

  // Work items are (row, block of the row); a chunk is a range of consecutive items of about
  // kRunBlock elements, walked with an odometer over the outer dims.
  const int64_t block = std::min(inner, kRunBlock);
  const int64_t blocks_per_row = (inner + block - 1) / block;
  const int64_t items = rows * blocks_per_row;
  const int64_t items_per_chunk = std::max<int64_t>(1, kRunBlock / block);
  const int64_t chunks = (items + items_per_chunk - 1) / items_per_chunk;

  BroadcastRun proto;
  for (int k = 0; k < num; ++k) proto.step[k] = layout.strides[k].back();

  auto run_chunk = [&](int64_t chunk) {
    int64_t item = chunk * items_per_chunk;
    const int64_t end = std::min(items, item + items_per_chunk);
    int64_t row = item / blocks_per_row;
    int64_t blk = item % blocks_per_row;
    std::vector<int64_t> index(outer_rank);
    std::array<int64_t, kMaxBroadcastOperands> base{};
    int64_t r = row;
    for (int i = outer_rank - 1; i >= 0; --i) {
      index[i] = r % layout.dims[i];
      r /= layout.dims[i];
      for (int k = 0; k < num; ++k) base[k] += index[i] * layout.strides[k][i];
    }
    BroadcastRun run = proto;
    for (; item < end; ++item) {
      const int64_t start = blk * block;
      run.out = row * inner + start;
      for (int k = 0; k < num; ++k) run.in[k] = base[k] + start * run.step[k];
      run.length = std::min(block, inner - start);
      fn(run);
      if (++blk < blocks_per_row) continue;
      blk = 0;
      ++row;
      for (int i = outer_rank - 1; i >= 0; --i) {
        for (int k = 0; k < num; ++k) base[k] += layout.strides[k][i];
        if (++index[i] < layout.dims[i]) break;
        for (int k = 0; k < num; ++k) base[k] -= layout.strides[k][i] * layout.dims[i];
        index[i] = 0;
      }
    }
  };

  if (threads > 1 && chunks > 1 && rows * inner >= kParallelMinElements) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t c = 0; c < chunks; ++c) run_chunk(c);
  } else {
    for (int64_t c = 0; c < chunks; ++c) run_chunk(c);
  }
}

}  // namespace kiln::ref
