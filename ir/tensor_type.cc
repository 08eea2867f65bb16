#include "ir/tensor_type.h"

namespace kiln::ir {

std::string TensorType::ToString() const {
  std::string s(ScalarTypeName(scalar_));
  if (quant_) s += "<" + quant_->ToString() + ">";
  return s + shape_.ToString();
}

}  // namespace kiln::ir
