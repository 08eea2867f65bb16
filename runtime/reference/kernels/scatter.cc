#include "runtime/reference/kernels/scatter.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/int64_values.h"
#include "runtime/reference/kernels/resolve_axis.h"
#include "runtime/reference/kernels/strided_copy.h"
#include "runtime/reference/kernels/wrapping_arithmetic.h"

namespace kiln::ref {
namespace {

// One write: `count` elements from updates at `src` combine into the output at `dst`.
struct ScatterWrite {
  int64_t dst;
  int64_t src;
};

template <typename T>
T Combine(T old, T update, ScatterReduction reduction) {
  switch (reduction) {
    case ScatterReduction::kAdd:
      return WrappingAdd(old, update);
    case ScatterReduction::kMul:
      return WrappingMul(old, update);
    case ScatterReduction::kMax:
      return std::max(old, update);
    case ScatterReduction::kMin:
      return std::min(old, update);
    case ScatterReduction::kNone:
      break;
  }
  return update;
}

// Copies data, then applies the writes in order.
rt::Result<Tensor> ApplyWrites(const Tensor& data, const Tensor& updates,
                               const std::vector<ScatterWrite>& writes, int64_t count,
                               ScatterReduction reduction, std::string_view what) {
  if (updates.dtype() != data.dtype()) {
    return rt::Status::Error(std::string(what) + ": updates are " +
                             std::string(rt::DTypeName(updates.dtype())) + " but data is " +
                             std::string(rt::DTypeName(data.dtype())));
  }
  rt::Result<int> elem = ElementBytes(data.dtype(), what);
  if (!elem.ok()) return elem.status();
  rt::Result<Tensor> y = Tensor::Empty(data.dtype(), data.shape());
  if (!y.ok()) return y;
  if (data.num_bytes() > 0) std::memcpy(y->mutable_raw(), data.raw(), data.num_bytes());
  if (reduction == ScatterReduction::kNone) {
    auto* dst = static_cast<uint8_t*>(y->mutable_raw());
    const auto* src = static_cast<const uint8_t*>(updates.raw());
    size_t bytes = static_cast<size_t>(count * *elem);
    for (const ScatterWrite& w : writes) {
      if (bytes > 0) std::memcpy(dst + w.dst * *elem, src + w.src * *elem, bytes);
    }
    return y;
  }
  bool plain = VisitPlainDType(
      data.dtype(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* out = y->template mutable_data<T>();
        const T* upd = updates.data<T>();
        for (const ScatterWrite& w : writes) {
          for (int64_t i = 0; i < count; ++i) {
            out[w.dst + i] = Combine(out[w.dst + i], upd[w.src + i], reduction);
          }
        }
        return true;
      },
      [] { return false; });
  if (!plain) {
    return rt::Status::Error(std::string(what) + ": reductions do not support " +
                             std::string(rt::DTypeName(data.dtype())));
  }
  return y;
}

rt::Status IndexOutOfRange(std::string_view what, int64_t i, int64_t dim) {
  return rt::Status::Error(std::string(what) + ": index " + std::to_string(i) +
                           " is out of range for dim " + std::to_string(dim));
}

}  // namespace

rt::Result<ScatterReduction> ParseScatterReduction(std::string_view name) {
  if (name == "none") return ScatterReduction::kNone;
  if (name == "add") return ScatterReduction::kAdd;
  if (name == "mul") return ScatterReduction::kMul;
  if (name == "max") return ScatterReduction::kMax;
  if (name == "min") return ScatterReduction::kMin;
  return rt::Status::Error("scatter: unknown reduction '" + std::string(name) + "'");
}

rt::Result<Tensor> ScatterElements(const Tensor& data, const Tensor& indices, const Tensor& updates,
                                   int64_t axis, ScatterReduction reduction) {
  rt::Result<int> a = ResolveAxis(axis, data.rank(), "scatter_elements");
  if (!a.ok()) return a.status();
  bool fits = indices.rank() == data.rank() && updates.shape() == indices.shape();
  for (int i = 0; fits && i < data.rank(); ++i) fits = i == *a || indices.dim(i) <= data.dim(i);
  if (!fits) {
    return rt::Status::Error("scatter_elements: indices " + ShapeString(indices.shape()) +
                             " and updates " + ShapeString(updates.shape()) + " do not fit data " +
                             ShapeString(data.shape()));
  }
  rt::Result<std::vector<int64_t>> idx = ReadInt64Values(indices, "scatter_elements indices");
  if (!idx.ok()) return idx.status();

  int rank = data.rank();
  int64_t dim = data.dim(*a);
  std::vector<int64_t> strides = DenseStrides(data.shape());
  std::vector<int64_t> pos(rank, 0);
  std::vector<ScatterWrite> writes;
  writes.reserve(idx->size());
  int64_t base = 0;  // offset in data of pos with the axis coordinate at 0
  for (int64_t k = 0; k < static_cast<int64_t>(idx->size()); ++k) {
    int64_t i = (*idx)[k];
    if (i < -dim || i >= dim) return IndexOutOfRange("scatter_elements", i, dim);
    writes.push_back({base + (i < 0 ? i + dim : i) * strides[*a], k});
    for (int d = rank - 1; d >= 0; --d) {
      if (++pos[d] < indices.dim(d)) {
        if (d != *a) base += strides[d];
        break;
      }
      if (d != *a) base -= strides[d] * (pos[d] - 1);
      pos[d] = 0;
    }
  }
  return ApplyWrites(data, updates, writes, 1, reduction, "scatter_elements");
}

rt::Result<Tensor> ScatterND(const Tensor& data, const Tensor& indices, const Tensor& updates,
                             ScatterReduction reduction) {
  int r = data.rank();
  int q = indices.rank();
  int64_t m = q >= 1 ? indices.dim(q - 1) : 0;
  if (q < 1 || m < 1 || m > r) {
    return rt::Status::Error("scatter_nd: indices " + ShapeString(indices.shape()) +
                             " do not fit data " + ShapeString(data.shape()));
  }
  Shape expected(indices.shape().begin(), indices.shape().end() - 1);
  expected.insert(expected.end(), data.shape().begin() + m, data.shape().end());
  if (updates.shape() != expected) {
    return rt::Status::Error("scatter_nd: updates have shape " + ShapeString(updates.shape()) +
                             ", expected " + ShapeString(expected));
  }
  rt::Result<std::vector<int64_t>> idx = ReadInt64Values(indices, "scatter_nd indices");
  if (!idx.ok()) return idx.status();

  int64_t slice = NumElements(Shape(data.shape().begin() + m, data.shape().end()));
  std::vector<int64_t> strides = DenseStrides(data.shape());
  int64_t tuples = static_cast<int64_t>(idx->size()) / m;
  std::vector<ScatterWrite> writes;
  writes.reserve(tuples);
  for (int64_t n = 0; n < tuples; ++n) {
    int64_t offset = 0;
    for (int64_t j = 0; j < m; ++j) {
      int64_t dim = data.dim(static_cast<int>(j));
      int64_t i = (*idx)[n * m + j];
      if (i < -dim || i >= dim) return IndexOutOfRange("scatter_nd", i, dim);
      offset += (i < 0 ? i + dim : i) * strides[j];
    }
    writes.push_back({offset, n * slice});
  }
  return ApplyWrites(data, updates, writes, slice, reduction, "scatter_nd");
}

}  // namespace kiln::ref
