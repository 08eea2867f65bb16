#include "runtime/cloud/dnnl_quant.h"

namespace kiln::cloud {

bool IsPerTensor(const TensorInfo& t) {
  return t.quant != nullptr && t.quant->axis() < 0 && t.quant->scales()->size() == 1;
}

float TensorScale(const TensorInfo& t) { return t.quant->scales()->Get(0); }

std::vector<float> ChannelScales(const TensorInfo& t, int64_t count) {
  const auto& scales = *t.quant->scales();
  std::vector<float> out(static_cast<size_t>(count), scales.Get(0));
  if (scales.size() == out.size()) {
    for (size_t c = 0; c < out.size(); ++c) out[c] = scales.Get(static_cast<uint32_t>(c));
  }
  return out;
}

bool SingleZeroPoint(const TensorInfo& t) {
  const auto* zps = t.quant->zero_points();
  if (zps == nullptr) return true;
  for (int64_t z : *zps) {
    if (z != zps->Get(0)) return false;
  }
  return true;
}

int32_t ZeroPoint(const TensorInfo& t) {
  const auto* zps = t.quant->zero_points();
  return zps == nullptr || zps->size() == 0 ? 0 : static_cast<int32_t>(zps->Get(0));
}

memory::desc WithDataType(const memory::desc& like, rt::DType dtype) {
  memory::desc out = like;
  out.data.data_type = static_cast<dnnl_data_type_t>(DnnlDataType(dtype));
  return out;
}

}  // namespace kiln::cloud
