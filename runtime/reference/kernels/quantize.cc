#include "runtime/reference/kernels/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "runtime/reference/kernels/resolve_axis.h"

namespace kiln::ref {
namespace {

// Maps a flat element index to its scale / zero point index.
class ScaleIndexer {
 public:
  static rt::Result<ScaleIndexer> Create(const Shape& shape, const QuantParams& p) {
    ScaleIndexer ix;
    ix.granularity_ = p.granularity;
    int64_t expected = 1;
    if (p.granularity != QuantGranularity::kPerTensor) {
      rt::Result<int> axis = ResolveAxis(p.axis, static_cast<int>(shape.size()), "quantization");
      if (!axis.ok()) return axis.status();
      ix.dim_ = shape[*axis];
      ix.inner_ = 1;
      for (size_t d = *axis + 1; d < shape.size(); ++d) ix.inner_ *= shape[d];
      ix.block_ = 1;
      if (p.granularity == QuantGranularity::kPerBlock) {
        if (p.block_size <= 0) {
          return rt::Status::Error("quantization: block size " + std::to_string(p.block_size) +
                                   " is not positive");
        }
        ix.block_ = p.block_size;
      }
      ix.blocks_ = (ix.dim_ + ix.block_ - 1) / ix.block_;
      expected = ix.blocks_;
      if (p.granularity == QuantGranularity::kPerBlock) {
        for (size_t d = 0; d < shape.size(); ++d) {
          if (static_cast<int>(d) != *axis) expected *= shape[d];
        }
      }
    }
    if (static_cast<int64_t>(p.scales.size()) != expected) {
      return rt::Status::Error("quantization: " + std::to_string(p.scales.size()) +
                               " scales for shape " + ShapeString(shape) + ", expected " +
                               std::to_string(expected));
    }
    size_t zps = p.zero_points.size();
    if (zps != 0 && zps != 1 && zps != p.scales.size()) {
      return rt::Status::Error("quantization: " + std::to_string(zps) + " zero points for " +
                               std::to_string(p.scales.size()) + " scales");
    }
    for (float s : p.scales) {
      if (!(s > 0) || !std::isfinite(s)) {
        return rt::Status::Error("quantization: scale " + std::to_string(s) +
                                 " is not a positive finite number");
      }
    }
    return ix;
  }

  int64_t operator()(int64_t flat) const {
    switch (granularity_) {
      case QuantGranularity::kPerTensor:
        return 0;
      case QuantGranularity::kPerAxis:
        return (flat / inner_) % dim_;
      case QuantGranularity::kPerBlock: {
        int64_t outer = flat / (inner_ * dim_);
        int64_t a = (flat / inner_) % dim_;
        int64_t in = flat % inner_;
        return (outer * blocks_ + a / block_) * inner_ + in;
      }
    }
    return 0;
  }

 private:
  QuantGranularity granularity_ = QuantGranularity::kPerTensor;
  int64_t dim_ = 1, inner_ = 1, block_ = 1, blocks_ = 1;
};

int32_t ZeroPoint(const QuantParams& p, int64_t s) {
  if (p.zero_points.empty()) return 0;
  return p.zero_points.size() == 1 ? p.zero_points[0] : p.zero_points[s];
}

// The integer range of a quantized dtype, or false if it is not one.
bool IntRange(DType t, int64_t& lo, int64_t& hi) {
  switch (t) {
    case DType::kI8:
      lo = -128, hi = 127;
      return true;
    case DType::kU8:
      lo = 0, hi = 255;
      return true;
    case DType::kI4:
      lo = -8, hi = 7;
      return true;
    case DType::kU4:
      lo = 0, hi = 15;
      return true;
    case DType::kI16:
      lo = std::numeric_limits<int16_t>::min(), hi = std::numeric_limits<int16_t>::max();
      return true;
    case DType::kI32:
      lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
      return true;
    default:
      return false;
  }
}

void Store(Tensor& t, int64_t i, int64_t v) {
  switch (t.dtype()) {
    case DType::kI8:
      t.mutable_data<int8_t>()[i] = static_cast<int8_t>(v);
      return;
    case DType::kU8:
      t.mutable_data<uint8_t>()[i] = static_cast<uint8_t>(v);
      return;
    case DType::kI16:
      t.mutable_data<int16_t>()[i] = static_cast<int16_t>(v);
      return;
    case DType::kI32:
      t.mutable_data<int32_t>()[i] = static_cast<int32_t>(v);
      return;
    case DType::kI4:
    case DType::kU4: {
      uint8_t& byte = t.mutable_data<uint8_t>()[i / 2];
      uint8_t nibble = static_cast<uint8_t>(v) & 0x0f;
      byte = i % 2 == 0 ? static_cast<uint8_t>((byte & 0xf0) | nibble)
                        : static_cast<uint8_t>((byte & 0x0f) | (nibble << 4));
      return;
    }
    default:
      return;
  }
}

int64_t Load(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kI8:
      return t.data<int8_t>()[i];
    case DType::kU8:
      return t.data<uint8_t>()[i];
    case DType::kI16:
      return t.data<int16_t>()[i];
    case DType::kI32:
      return t.data<int32_t>()[i];
    case DType::kI4: {
      int v = (t.data<uint8_t>()[i / 2] >> (i % 2 * 4)) & 0x0f;
      return v >= 8 ? v - 16 : v;
    }
    case DType::kU4:
      return (t.data<uint8_t>()[i / 2] >> (i % 2 * 4)) & 0x0f;
    default:
      return 0;
  }
}

}  // namespace

rt::Result<Tensor> Quantize(const Tensor& x, const QuantParams& params, DType dtype) {
  if (x.dtype() != DType::kF32) {
    return rt::Status::Error("quantize needs an f32 input, got " +
                             std::string(rt::DTypeName(x.dtype())));
  }
  int64_t lo, hi;
  if (!IntRange(dtype, lo, hi)) {
    return rt::Status::Error("quantize cannot produce " + std::string(rt::DTypeName(dtype)));
  }
  rt::Result<ScaleIndexer> ix = ScaleIndexer::Create(x.shape(), params);
  if (!ix.ok()) return ix.status();
  rt::Result<Tensor> y = Tensor::Zeros(dtype, x.shape());
  if (!y.ok()) return y;
  const float* in = x.data<float>();
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    int64_t s = (*ix)(i);
    // Divide (as ONNX does) rather than multiply by the reciprocal; nearbyint rounds half to
    // even in the default rounding mode.
    double q = std::nearbyint(static_cast<double>(in[i] / params.scales[s]));
    q += ZeroPoint(params, s);
    int64_t v = std::isnan(q) ? 0 : static_cast<int64_t>(std::clamp<double>(q, lo, hi));
    Store(*y, i, v);
  }
  return y;
}

rt::Result<Tensor> Dequantize(const Tensor& q, const QuantParams& params) {
  int64_t lo, hi;
  if (!IntRange(q.dtype(), lo, hi)) {
    return rt::Status::Error("dequantize cannot read " + std::string(rt::DTypeName(q.dtype())));
  }
  rt::Result<ScaleIndexer> ix = ScaleIndexer::Create(q.shape(), params);
  if (!ix.ok()) return ix.status();
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, q.shape());
  if (!y.ok()) return y;
  float* out = y->mutable_data<float>();
  for (int64_t i = 0; i < q.num_elements(); ++i) {
    int64_t s = (*ix)(i);
    out[i] = static_cast<float>(Load(q, i) - ZeroPoint(params, s)) * params.scales[s];
  }
  return y;
}

}  // namespace kiln::ref
