#include "codegen/target.h"

namespace kiln::codegen {

int64_t Target::buffer_bytes(const ir::TensorType& type, std::span<const int64_t> dims) const {
  return DenseBytes(type, dims);
}

}  // namespace kiln::codegen
