// Compares a computed tensor with an expected one by the ONNX backend-test rule: floating
// point elements match when |actual - expected| <= atol + rtol * |expected| (NaN matches NaN,
// infinities must be equal), integer and bool elements must be equal, and dtype and shape
// must agree exactly. On a mismatch the message says where and by how much.
//
//   std::string why = CompareTensors(actual, expected, {.rtol = 1e-3, .atol = 1e-5});
//   if (!why.empty()) Fail("output 0: " + why);
#pragma once

#include <string>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::conformance {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-5;
};

// Empty when the tensors match.
std::string CompareTensors(const ref::Tensor& actual, const ref::Tensor& expected,
                           const Tolerance& tolerance);

}  // namespace kiln::conformance
