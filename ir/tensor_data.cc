#include "ir/tensor_data.h"

namespace kiln::ir {
namespace {

class OwnedTensorData final : public TensorData {
 public:
  explicit OwnedTensorData(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  const uint8_t* data() const override { return bytes_.data(); }
  size_t size() const override { return bytes_.size(); }

 private:
  // 64-byte alignment is not needed here; the artifact writer aligns when it copies.
  std::vector<uint8_t> bytes_;
};

}  // namespace

uint64_t TensorData::ContentHash() const {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : bytes()) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

std::shared_ptr<const TensorData> TensorData::FromBytes(std::vector<uint8_t> bytes) {
  return std::make_shared<OwnedTensorData>(std::move(bytes));
}

}  // namespace kiln::ir
