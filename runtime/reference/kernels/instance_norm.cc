#include "runtime/reference/kernels/instance_norm.h"

#include <cmath>
#include <string>

namespace kiln::ref {

rt::Result<Tensor> InstanceNorm(const Tensor& x, const Tensor& scale, const Tensor& bias,
                                float epsilon, int threads) {
  if (x.rank() < 3 || x.dtype() != DType::kF32) {
    return rt::Status::Error("instance_norm: X " + ShapeString(x.shape()) +
                             " must be f32 of rank >= 3");
  }
  const int64_t channels = x.dim(1);
  for (const Tensor* t : {&scale, &bias}) {
    if (t->dtype() != DType::kF32 || t->rank() != 1 || t->dim(0) != channels) {
      return rt::Status::Error("instance_norm: scale and bias " + ShapeString(t->shape()) +
                               " should be f32[" + std::to_string(channels) + "]");
    }
  }
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, x.shape());
  if (!y.ok()) return y.status();
  const int64_t planes = x.dim(0) * channels;
  const int64_t size = planes == 0 ? 0 : x.num_elements() / planes;
  const float* xp = x.data<float>();
  float* yp = y->mutable_data<float>();
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t nc = 0; nc < planes; ++nc) {
    const float* in = xp + nc * size;
    float* out = yp + nc * size;
    double sum = 0;
    for (int64_t i = 0; i < size; ++i) sum += in[i];
    const double mean = size > 0 ? sum / size : 0.0;
    double sq = 0;
    for (int64_t i = 0; i < size; ++i) sq += (in[i] - mean) * (in[i] - mean);
    const double var = size > 0 ? sq / size : 0.0;
    const double a = scale.data<float>()[nc % channels] / std::sqrt(var + epsilon);
    const double b = bias.data<float>()[nc % channels] - mean * a;
    for (int64_t i = 0; i < size; ++i) out[i] = static_cast<float>(in[i] * a + b);
  }
  return y;
}

}  // namespace kiln::ref
