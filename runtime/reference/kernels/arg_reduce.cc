#include "runtime/reference/kernels/arg_reduce.h"

#include <string>

namespace kiln::ref {
namespace {

template <typename T>
void ArgReduceTyped(const Tensor& x, bool max, bool last, int64_t outer, int64_t n, int64_t inner,
                    int64_t* out) {
  const T* xp = x.data<T>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      const T* p = xp + o * n * inner + j;
      int64_t best = 0;
      for (int64_t i = 1; i < n; ++i) {
        const T v = p[i * inner], b = p[best * inner];
        const bool better = max ? (v > b || (last && v == b)) : (v < b || (last && v == b));
        if (better) best = i;
      }
      out[o * inner + j] = best;
    }
  }
}

}  // namespace

rt::Result<Tensor> ArgReduce(const Tensor& x, bool max, const ArgReduceParams& p) {
  const char* op = max ? "arg_max" : "arg_min";
  const int rank = x.rank();
  int64_t axis = p.axis;
  if (rank == 0 || axis < -rank || axis >= rank) {
    return rt::Status::Error(std::string(op) + ": axis " + std::to_string(axis) +
                             " is out of range for " + ShapeString(x.shape()));
  }
  if (axis < 0) axis += rank;
  const int64_t n = x.dim(static_cast<int>(axis));
  if (n == 0) return rt::Status::Error(std::string(op) + ": the reduced dim is empty");
  Shape out;
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < rank; ++d) {
    if (d < axis) outer *= x.dim(d);
    if (d > axis) inner *= x.dim(d);
    if (d != axis) {
      out.push_back(x.dim(d));
    } else if (p.keepdims) {
      out.push_back(1);
    }
  }
  rt::Result<Tensor> y = Tensor::Empty(DType::kI64, out);
  if (!y.ok()) return y.status();
  int64_t* yp = y->mutable_data<int64_t>();
  const bool last = p.select_last_index;
  switch (x.dtype()) {
    case DType::kF32:
      ArgReduceTyped<float>(x, max, last, outer, n, inner, yp);
      return y;
    case DType::kI8:
      ArgReduceTyped<int8_t>(x, max, last, outer, n, inner, yp);
      return y;
    case DType::kU8:
      ArgReduceTyped<uint8_t>(x, max, last, outer, n, inner, yp);
      return y;
    case DType::kI32:
      ArgReduceTyped<int32_t>(x, max, last, outer, n, inner, yp);
      return y;
    case DType::kI64:
      ArgReduceTyped<int64_t>(x, max, last, outer, n, inner, yp);
      return y;
    default:
      return rt::Status::Error(std::string(op) + ": unsupported dtype " +
                               std::string(rt::DTypeName(x.dtype())));
  }
}

}  // namespace kiln::ref
