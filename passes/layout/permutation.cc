#include "passes/layout/permutation.h"

#include <cstring>
#include <span>

#include "ir/constant_pool.h"
#include "ir/scalar_type.h"

namespace kiln {

std::optional<Perm> TransposePerm(const ir::Op& transpose) {
  const ir::Value* x = transpose.num_operands() > 0 ? transpose.operand(0) : nullptr;
  const bool ranked = x != nullptr && x->type()->shape().is_ranked();
  Perm perm;
  if (transpose.attrs().Has("perm")) {
    perm = transpose.attrs().GetInts("perm");
  } else if (ranked) {
    for (int64_t i = x->type()->rank() - 1; i >= 0; --i) perm.push_back(i);
  } else {
    return std::nullopt;
  }
  const int64_t rank = static_cast<int64_t>(perm.size());
  if (ranked && x->type()->rank() != rank) return std::nullopt;
  std::vector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p]) return std::nullopt;
    seen[p] = true;
  }
  return perm;
}

Perm ComposePerms(const Perm& inner, const Perm& outer) {
  Perm composed(outer.size());
  for (size_t i = 0; i < outer.size(); ++i) composed[i] = inner[outer[i]];
  return composed;
}

Perm InversePerm(const Perm& perm) {
  Perm inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
  return inverse;
}

bool IsIdentityPerm(const Perm& perm) {
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int64_t>(i)) return false;
  }
  return true;
}

ir::Shape PermuteShape(const ir::Shape& shape, const Perm& perm) {
  std::vector<ir::Dim> dims;
  dims.reserve(perm.size());
  for (int64_t p : perm) dims.push_back(shape.dim(static_cast<int>(p)));
  return ir::Shape(std::move(dims));
}

std::optional<std::shared_ptr<const ir::TensorData>> PermutedConstantData(
    const ir::Value& value, const std::vector<int64_t>& sizes, const Perm& perm) {
  const ir::TensorType* type = value.type();
  const int rank = static_cast<int>(sizes.size());
  if (!value.is_constant() || value.constant() == nullptr || value.constant()->data == nullptr ||
      !type->shape().is_static() || rank != static_cast<int>(perm.size())) {
    return std::nullopt;
  }
  // 4-bit codes (two per byte, low nibble first) move one per byte, then pack again.
  const bool nibbles = ir::BitWidth(type->scalar()) == 4;
  const int64_t elem = nibbles ? 1 : ir::BitWidth(type->scalar()) / 8;
  const int64_t count = ir::Shape::Static(sizes).num_elements().value_or(-1);
  const ir::TensorData& stored = *value.constant()->data;
  if (count != type->shape().num_elements() ||
      static_cast<int64_t>(stored.size()) != ir::StorageBytes(type->scalar(), count)) {
    return std::nullopt;
  }
  std::vector<uint8_t> unpacked;
  if (nibbles) {
    unpacked.resize(count);
    for (int64_t k = 0; k < count; ++k) unpacked[k] = (stored.data()[k / 2] >> (4 * (k % 2))) & 0xF;
  }
  const std::span<const uint8_t> data =
      nibbles ? std::span<const uint8_t>(unpacked)
              : std::span<const uint8_t>(stored.data(), stored.size());
  // The input stride of each result dim, in elements.
  std::vector<int64_t> in_strides(rank, 1);
  for (int d = rank - 2; d >= 0; --d) in_strides[d] = in_strides[d + 1] * sizes[d + 1];
  std::vector<int64_t> out_sizes(rank), strides(rank);
  for (int d = 0; d < rank; ++d) {
    out_sizes[d] = sizes[perm[d]];
    strides[d] = in_strides[perm[d]];
  }
  std::vector<uint8_t> out(data.size());
  std::vector<int64_t> index(rank, 0);
  int64_t from = 0;
  for (int64_t k = 0; k < count; ++k) {
    std::memcpy(out.data() + k * elem, data.data() + from * elem, elem);
    // The next result index, row-major, with `from` (its input offset) kept in step.
    for (int d = rank - 1; d >= 0; --d) {
      from += strides[d];
      if (++index[d] < out_sizes[d]) break;
      from -= strides[d] * out_sizes[d];
      index[d] = 0;
    }
  }
  if (nibbles) {
    std::vector<uint8_t> packed(stored.size(), 0);
    for (int64_t k = 0; k < count; ++k) packed[k / 2] |= out[k] << (4 * (k % 2));
    out = std::move(packed);
  }
  return ir::TensorData::FromBytes(std::move(out));
}

std::optional<std::shared_ptr<const ir::TensorData>> PermutedConstantData(const ir::Value& value,
                                                                          const Perm& perm) {
  const ir::Shape& shape = value.type()->shape();
  if (!shape.is_ranked() || !shape.is_static()) return std::nullopt;
  return PermutedConstantData(value, shape.static_sizes(), perm);
}

}  // namespace kiln
