// Quantization parameters of cloud tensors (TensorInfo::quant, from the artifact's Quant
// table) as the values oneDNN attributes take: a per-tensor scale, per-channel scales, one zero
// point. The artifact was checked at load (scale count, axis in range, zero points per scale).
//
//   float s = TensorScale(x);                         // per tensor
//   std::vector<float> w = ChannelScales(w, m);       // m entries, repeated if per tensor
//   if (!SingleZeroPoint(y)) return Error("...");     // oneDNN takes one zero point
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/cloud/cloud_kernel.h"

namespace kiln::cloud {

// True for a quantized tensor with one scale for all its elements.
bool IsPerTensor(const TensorInfo& t);

// The scale of a per-tensor quantized tensor.
float TensorScale(const TensorInfo& t);

// `count` scales: the tensor's per-axis ones, or its per-tensor scale repeated.
std::vector<float> ChannelScales(const TensorInfo& t, int64_t count);

// True when every zero point is the same (or there are none); ZeroPoint returns it.
bool SingleZeroPoint(const TensorInfo& t);
int32_t ZeroPoint(const TensorInfo& t);

// `like` with another data type: the same dims, blocking and padding.
memory::desc WithDataType(const memory::desc& like, rt::DType dtype);

}  // namespace kiln::cloud
