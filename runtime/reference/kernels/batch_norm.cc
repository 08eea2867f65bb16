#include "runtime/reference/kernels/batch_norm.h"

#include <cmath>
#include <string>
#include <vector>

namespace kiln::ref {

rt::Result<Tensor> BatchNorm(const Tensor& x, const Tensor& scale, const Tensor& bias,
                             const Tensor& mean, const Tensor& var, float epsilon, int threads) {
  if (x.rank() < 2) {
    return rt::Status::Error("batch_norm: X " + ShapeString(x.shape()) + " must have rank >= 2");
  }
  const int64_t channels = x.dim(1);
  const char* names[] = {"scale", "bias", "mean", "var"};
  const Tensor* params[] = {&scale, &bias, &mean, &var};
  for (int i = 0; i < 4; ++i) {
    if (params[i]->dtype() != DType::kF32 || params[i]->num_elements() != channels ||
        params[i]->rank() != 1) {
      return rt::Status::Error("batch_norm: " + std::string(names[i]) + " " +
                               ShapeString(params[i]->shape()) + " should be f32[" +
                               std::to_string(channels) + "]");
    }
  }
  if (x.dtype() != DType::kF32) return rt::Status::Error("batch_norm: only f32 is supported");
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, x.shape());
  if (!y.ok()) return y.status();
  // Fold into y = x * a[c] + b[c].
  std::vector<float> a(channels), b(channels);
  for (int64_t c = 0; c < channels; ++c) {
    const double inv = 1.0 / std::sqrt(double(var.data<float>()[c]) + epsilon);
    a[c] = static_cast<float>(scale.data<float>()[c] * inv);
    b[c] = static_cast<float>(bias.data<float>()[c] - mean.data<float>()[c] * a[c]);
  }
  const int64_t planes = x.dim(0) * channels;
  const int64_t inner = planes == 0 ? 0 : x.num_elements() / planes;
  const float* xp = x.data<float>();
  float* yp = y->mutable_data<float>();
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t nc = 0; nc < planes; ++nc) {
    const float ac = a[nc % channels], bc = b[nc % channels];
    for (int64_t i = nc * inner; i < (nc + 1) * inner; ++i) yp[i] = xp[i] * ac + bc;
  }
  return y;
}

}  // namespace kiln::ref
