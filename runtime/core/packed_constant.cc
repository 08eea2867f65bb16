#include "runtime/core/packed_constant.h"

#include <cfloat>

namespace kiln::rt {
namespace {

// How the elements of a packed constant map to its scales: element i = (o * dim + a) * inner + k
// uses scale a (per tensor, dim is 1), or, per block, (o * blocks + a / block) * inner + k.
struct Grid {
  int64_t outer = 1, dim = 1, inner = 1, block = 0, blocks = 1;
  int64_t num_scales() const { return block > 0 ? outer * blocks * inner : dim; }
};

// Any axis and block size give some grid without overflow (the checks reject the wrong ones).
Grid GetGrid(const artifact::Tensor& tensor) {
  const artifact::Quant& quant = *tensor.packed()->quant();
  const auto* shape = tensor.shape();
  const int64_t rank = shape ? shape->size() : 0;
  Grid g;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t size = shape->Get(static_cast<flatbuffers::uoffset_t>(d));
    if (d < quant.axis()) {
      g.outer *= size;
    } else if (d == quant.axis()) {
      g.dim = size;
    } else {
      g.inner *= size;  // every dim, per tensor (axis -1)
    }
  }
  g.block = quant.block_size();
  if (g.block > 0) g.blocks = (g.dim + g.block - 1) / g.block;
  return g;
}

// The codes' range: [-8, 7], [0, 15], [-128, 127] or [0, 255]; false for other dtypes.
bool CodeRange(artifact::DType dtype, int64_t& lo, int64_t& hi) {
  const bool four = dtype == artifact::DType::I4 || dtype == artifact::DType::U4;
  if (!four && dtype != artifact::DType::I8 && dtype != artifact::DType::U8) return false;
  const bool is_signed = dtype == artifact::DType::I4 || dtype == artifact::DType::I8;
  hi = four ? 15 : 255;
  lo = is_signed ? -(hi + 1) / 2 : 0;
  hi += lo;
  return true;
}

}  // namespace

const char* PackedConstantProblem(const artifact::Tensor& tensor, uint64_t& bytes) {
  const artifact::Packed& packed = *tensor.packed();
  const artifact::Quant* quant = packed.quant();
  int64_t lo = 0, hi = 0;
  // Without `symbols`, every dim is static (the loader gave each -1 dim a symbol).
  if (tensor.storage() != artifact::Storage::Constant || tensor.dtype() != artifact::DType::F32 ||
      tensor.quant() != nullptr || tensor.symbols() != nullptr || quant == nullptr ||
      !CodeRange(packed.dtype(), lo, hi)) {
    return "needs an f32 constant of static shape without quant, and i8, u8, i4 or u4 codes with "
           "quant";
  }
  const int64_t rank = tensor.shape() ? tensor.shape()->size() : 0;
  const int64_t axis = quant->axis(), block = quant->block_size();
  const auto* scales = quant->scales();
  const auto* zero_points = quant->zero_points();
  const int64_t num_scales = scales ? scales->size() : 0;
  const int64_t num_zero_points = zero_points ? zero_points->size() : 0;
  const Grid g = GetGrid(tensor);
  if (axis < -1 || axis >= rank || block < 0 || (block > 0 && axis < 0) || num_scales == 0 ||
      num_scales != g.num_scales() || (num_zero_points != 0 && num_zero_points != num_scales)) {
    return "quant does not fit the shape (axis, block size, or count of scales or zero points)";
  }
  for (int64_t s = 0; s < num_scales; ++s) {
    const float scale = scales->Get(static_cast<flatbuffers::uoffset_t>(s));
    const int64_t z =
        num_zero_points ? zero_points->Get(static_cast<flatbuffers::uoffset_t>(s)) : 0;
    if (!(scale > 0 && scale <= FLT_MAX) || z < lo || z > hi) {
      return "a scale is not positive and finite, or a zero point is out of range";
    }
  }
  const int64_t count = g.outer * g.dim * g.inner;
  bytes = static_cast<uint64_t>(hi - lo == 15 ? (count + 1) / 2 : count);
  return nullptr;
}

size_t PackedElementCount(const artifact::Tensor& tensor) {
  const Grid g = GetGrid(tensor);
  return static_cast<size_t>(g.outer * g.dim * g.inner);
}

void DecodePackedConstant(const artifact::Tensor& tensor, const uint8_t* codes, float* out) {
  const artifact::Packed& packed = *tensor.packed();
  const auto& scales = *packed.quant()->scales();
  const auto* zero_points = packed.quant()->zero_points();
  const bool has_zero_points = zero_points != nullptr && zero_points->size() > 0;
  int64_t lo = 0, hi = 0;
  CodeRange(packed.dtype(), lo, hi);
  const Grid g = GetGrid(tensor);
  int64_t i = 0;
  for (int64_t o = 0; o < g.outer; ++o) {
    for (int64_t a = 0; a < g.dim; ++a) {
      for (int64_t k = 0; k < g.inner; ++k, ++i) {
        const auto s = static_cast<flatbuffers::uoffset_t>(
            g.block > 0 ? (o * g.blocks + a / g.block) * g.inner + k : a);
        // The unsigned code, then two's complement for i8/i4 (lo < 0).
        int64_t q = hi - lo == 15 ? codes[i / 2] >> (i % 2 * 4) & 15 : codes[i];
        if (q > hi) q -= hi - lo + 1;
        const int64_t zero_point = has_zero_points ? zero_points->Get(s) : 0;
        out[i] = static_cast<float>(q - zero_point) * scales.Get(s);
      }
    }
  }
}

}  // namespace kiln::rt
