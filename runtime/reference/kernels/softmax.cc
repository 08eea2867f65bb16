#include "runtime/reference/kernels/softmax.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace kiln::ref {

rt::Result<Tensor> Softmax(const Tensor& x, int64_t axis, bool log, int threads) {
  const char* op = log ? "log_softmax" : "softmax";
  if (x.dtype() != DType::kF32)
    return rt::Status::Error(std::string(op) + ": only f32 is supported");
  const int rank = x.rank();
  if (rank == 0 || axis < -rank || axis >= rank) {
    return rt::Status::Error(std::string(op) + ": axis " + std::to_string(axis) +
                             " is out of range for " + ShapeString(x.shape()));
  }
  if (axis < 0) axis += rank;
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, x.shape());
  if (!y.ok()) return y.status();
  const int64_t n = x.dim(static_cast<int>(axis));
  int64_t inner = 1;
  for (int d = static_cast<int>(axis) + 1; d < rank; ++d) inner *= x.dim(d);
  const int64_t outer = n * inner == 0 ? 0 : x.num_elements() / (n * inner);
  const float* xp = x.data<float>();
  float* yp = y->mutable_data<float>();
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t row = 0; row < outer * inner; ++row) {
    const int64_t base = (row / inner) * n * inner + row % inner;
    float max = -INFINITY;
    for (int64_t i = 0; i < n; ++i) max = std::max(max, xp[base + i * inner]);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(double(xp[base + i * inner]) - max);
    const double log_sum = std::log(sum);
    for (int64_t i = 0; i < n; ++i) {
      const double shifted = double(xp[base + i * inner]) - max;
      yp[base + i * inner] = static_cast<float>(log ? shifted - log_sum : std::exp(shifted) / sum);
    }
  }
  return y;
}

}  // namespace kiln::ref
