// Packed constants (format version 3, docs/artifact.md "Packed constants"): an f32 Constant
// tensor whose bytes are i8/u8/i4/u4 codes (`Tensor.packed`), decoded once when the artifact
// loads, so the runtimes only ever see plain f32 constants (Artifact::ConstantBytes).
//
//   if (const char* problem = PackedConstantProblem(tensor, bytes)) return Error(problem);
//   std::vector<float> real(PackedElementCount(tensor));
//   DecodePackedConstant(tensor, codes, real.data());
//
// Small on purpose: the edge runtime links this, and its aarch64 build has a size budget
// (docs/aarch64.md). So the checks return a fixed reason, not a formatted message, and one loop
// decodes every code width and granularity.
#pragma once

#include <cstddef>
#include <cstdint>

#include "codegen/schema/kiln_artifact_generated.h"

namespace kiln::rt {

// Null when `tensor` (which has `packed`, and whose shape and dtype the loader checked) is a
// packed constant the decoder can read: a Constant of dtype F32 without `quant` or `symbols` (so
// of static shape); codes of dtype I8, U8, I4 or U4; `packed.quant` per tensor (axis -1), per
// axis or per block (block size > 0) with an axis below the rank, one scale per group (1;
// dims[axis]; the product of the dims with dims[axis] replaced by ceil(dims[axis] / block
// size)), each positive and finite, and no zero points or one per scale, each within the codes'
// range. Then `bytes` is the codes' storage size (which the tensor's `bytes` must equal). Else
// the reason, e.g. "a scale is not positive and finite, or a zero point is out of range".
const char* PackedConstantProblem(const artifact::Tensor& tensor, uint64_t& bytes);

// The elements of a checked packed constant: the product of its dims.
size_t PackedElementCount(const artifact::Tensor& tensor);

// real = (q - zero_point) * scale in f32 for every element of a checked packed constant, as the
// reference runtime's Dequantize computes it (bit for bit); `codes` are its bytes in the blob.
void DecodePackedConstant(const artifact::Tensor& tensor, const uint8_t* codes, float* out);

}  // namespace kiln::rt
