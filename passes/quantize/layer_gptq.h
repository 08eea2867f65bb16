// GPTQ (gptq.h) for a weight in its op's layout: a conv weight [O, C/g, k...] is rounded group by
// group as [O/g, C/g * k...] rows with that group's Hessian; a matrix weight is seen as [N, K],
// transposed first when it is stored [K, N] (weight axis 1: linear, matmul, gemm without
// trans_b). `groups` are weight_only.h's groups in the stored layout: per channel along the
// weight axis, or blocks along K. The codes and scales come back in the stored layout, exactly as
// QuantizeWeight would lay them out, so the caller treats both the same.
//
//   Expected<LayerGptq> r = QuantizeLayerGptq(w, shape, {.weight_axis = 1}, groups, *hessians);
//   double db = LayerOutputSqnrDb(w, dequantized, shape, {.weight_axis = 1}, *hessians);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ir/status.h"
#include "passes/quantize/gptq.h"
#include "passes/quantize/weight_quant.h"

namespace kiln::quant {

struct LayerWeightForm {
  bool conv = false;
  int weight_axis = 0;  // the output-channel axis of the stored weight
};

struct LayerGptq {
  QuantizedWeight weight;
  bool fell_back_to_rtn = false;  // some group's Hessian could not be factored
};

// `hessians`: one per conv group (one for a matrix), each over K inputs.
Expected<LayerGptq> QuantizeLayerGptq(std::span<const float> w, std::span<const int64_t> shape,
                                      LayerWeightForm form, const WeightQuantOptions& groups,
                                      std::span<const HessianAccumulator> hessians);

// 10 log10(sum_g tr(W_g H_g W_g^T) / tr(dW_g H_g dW_g^T)), dW = W - Wq, on the same [N, K] views:
// the SQNR of the layer's output on the calibration inputs (infinite when Wq == W).
double LayerOutputSqnrDb(std::span<const float> w, std::span<const float> wq,
                         std::span<const int64_t> shape, LayerWeightForm form,
                         std::span<const HessianAccumulator> hessians);

// Bias correction: sum_k (W - Wq)[n, k] * mean_k per output channel n (all of them, group after
// group), the mean shift rounding puts on the layer's output over the calibration inputs, which
// adding it to the bias takes back. Empty if the shapes do not fit.
std::vector<double> LayerBiasShift(std::span<const float> w, std::span<const float> wq,
                                   std::span<const int64_t> shape, LayerWeightForm form,
                                   std::span<const HessianAccumulator> hessians);

}  // namespace kiln::quant
