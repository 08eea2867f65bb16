// Immutable bytes of a constant tensor, shared between graphs and values.
//
// The bytes are the dense row-major encoding of the tensor's scalar type (sub-byte types
// packed two per byte, low nibble first). Later, data may also be mmapped from external files.
//
//   auto data = TensorData::FromVector<float>({1.0f, 2.0f});
//   data->size() == 8;  data->As<float>()[1] == 2.0f
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace kiln::ir {

class TensorData {
 public:
  virtual ~TensorData() = default;
  virtual const uint8_t* data() const = 0;
  virtual size_t size() const = 0;

  std::span<const uint8_t> bytes() const { return {data(), size()}; }
  template <typename T>
  std::span<const T> As() const {
    return {reinterpret_cast<const T*>(data()), size() / sizeof(T)};
  }
  bool SameBytes(const TensorData& other) const {
    return size() == other.size() &&
           (size() == 0 || std::memcmp(data(), other.data(), size()) == 0);
  }
  // FNV-1a over the bytes: a stable content hash (for CSE and deduplication).
  uint64_t ContentHash() const;

  static std::shared_ptr<const TensorData> FromBytes(std::vector<uint8_t> bytes);
  template <typename T>
  static std::shared_ptr<const TensorData> FromVector(const std::vector<T>& values) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return FromBytes(std::move(bytes));
  }
};

}  // namespace kiln::ir
