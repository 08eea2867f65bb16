#include "runtime/reference/kernels/tile.h"

#include <string>

#include "runtime/reference/kernels/strided_copy.h"

namespace kiln::ref {

rt::Result<Tensor> Tile(const Tensor& x, std::span<const int64_t> repeats) {
  rt::Result<int> elem = ElementBytes(x.dtype(), "tile");
  if (!elem.ok()) return elem.status();
  int rank = x.rank();
  if (static_cast<int>(repeats.size()) != rank) {
    return rt::Status::Error("tile: " + std::to_string(repeats.size()) + " repeats for rank " +
                             std::to_string(rank));
  }
  // Output index r*dim + j on each axis is input index j: copy a [r0,d0,r1,d1,...] block whose
  // repeat axes have source stride 0 into the dense result.
  std::vector<int64_t> in_strides = DenseStrides(x.shape());
  Shape out_shape(rank);
  Shape block_shape;
  std::vector<int64_t> block_strides;
  for (int i = 0; i < rank; ++i) {
    if (repeats[i] < 0) {
      return rt::Status::Error("tile: negative repeat " + std::to_string(repeats[i]));
    }
    out_shape[i] = x.dim(i) * repeats[i];
    block_shape.push_back(repeats[i]);
    block_shape.push_back(x.dim(i));
    block_strides.push_back(0);
    block_strides.push_back(in_strides[i]);
  }
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out_shape);
  if (!y.ok()) return y;
  CopyStrided(*elem, block_shape, x.raw(), block_strides, y->mutable_raw(),
              DenseStrides(block_shape));
  return y;
}

}  // namespace kiln::ref
