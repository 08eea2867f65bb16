// Fallback kernels that move elements: the reshape family (byte copies), transpose, slice,
// gather, concat, split, pad, expand, tile. Attribute names and defaults are the IR's
// (ir/ops.def), read the way runtime/reference/interpreter/copy_ops.cc reads them.
#include "runtime/cloud/fallback_kernel.h"
#include "runtime/reference/kernels/concat.h"
#include "runtime/reference/kernels/expand.h"
#include "runtime/reference/kernels/gather.h"
#include "runtime/reference/kernels/pad.h"
#include "runtime/reference/kernels/slice.h"
#include "runtime/reference/kernels/split.h"
#include "runtime/reference/kernels/tile.h"
#include "runtime/reference/kernels/transpose.h"

namespace kiln::cloud {
namespace {

FallbackResults RunTranspose(const FallbackCall& call) {
  rt::Result<std::vector<int64_t>> perm = call.attrs.Ints("perm", {});
  if (!perm.ok()) return perm.status();
  return OneResult(ref::Transpose(*call.inputs[0], *perm));
}

FallbackResults RunSlice(const FallbackCall& call) {
  ref::SliceParams p;
  rt::Result<std::vector<int64_t>> starts = call.Ints(1, "slice starts");
  if (!starts.ok()) return starts.status();
  rt::Result<std::vector<int64_t>> ends = call.Ints(2, "slice ends");
  if (!ends.ok()) return ends.status();
  p.starts = std::move(*starts);
  p.ends = std::move(*ends);
  if (call.input(3) != nullptr) {
    rt::Result<std::vector<int64_t>> axes = call.Ints(3, "slice axes");
    if (!axes.ok()) return axes.status();
    p.axes = std::move(*axes);
  }
  if (call.input(4) != nullptr) {
    rt::Result<std::vector<int64_t>> steps = call.Ints(4, "slice steps");
    if (!steps.ok()) return steps.status();
    p.steps = std::move(*steps);
  }
  return OneResult(ref::Slice(*call.inputs[0], p));
}

FallbackResults RunGather(const FallbackCall& call) {
  rt::Result<const ref::Tensor*> indices = call.Required(1);
  if (!indices.ok()) return indices.status();
  rt::Result<int64_t> axis = call.attrs.Int("axis", 0);
  if (!axis.ok()) return axis.status();
  return OneResult(ref::Gather(*call.inputs[0], **indices, *axis));
}

FallbackResults RunConcat(const FallbackCall& call) {
  std::vector<ref::Tensor> inputs;
  for (size_t i = 0; i < call.inputs.size(); ++i) {
    rt::Result<const ref::Tensor*> x = call.Required(static_cast<int>(i));
    if (!x.ok()) return x.status();
    inputs.push_back(**x);
  }
  rt::Result<int64_t> axis = call.attrs.Int("axis");
  if (!axis.ok()) return axis.status();
  return OneResult(ref::Concat(inputs, *axis));
}

// Sizes from the optional `split` input, else equal pieces, one per output.
FallbackResults RunSplit(const FallbackCall& call) {
  rt::Result<int64_t> axis = call.attrs.Int("axis", 0);
  if (!axis.ok()) return axis.status();
  std::vector<int64_t> sizes;
  if (call.input(1) != nullptr) {
    rt::Result<std::vector<int64_t>> s = call.Ints(1, "split sizes");
    if (!s.ok()) return s.status();
    sizes = std::move(*s);
  } else {
    // The artifact knows every output's dims: the pieces are their extents along the axis.
    const ref::Tensor& x = *call.inputs[0];
    int64_t a = *axis < 0 ? *axis + x.rank() : *axis;
    if (a < 0 || a >= x.rank()) return rt::Status::Error("split axis is out of range");
    for (const TensorInfo* out : call.outputs) sizes.push_back(out->dims[a]);
  }
  return ref::Split(*call.inputs[0], *axis, sizes);
}

FallbackResults RunPad(const FallbackCall& call) {
  rt::Result<std::string_view> mode_name = call.attrs.String("mode", "constant");
  if (!mode_name.ok()) return mode_name.status();
  rt::Result<ref::PadMode> mode = ref::ParsePadMode(*mode_name);
  if (!mode.ok()) return mode.status();
  rt::Result<std::vector<int64_t>> pads = call.Ints(1, "pad pads");
  if (!pads.ok()) return pads.status();
  std::vector<int64_t> axes;
  if (call.input(3) != nullptr) {
    rt::Result<std::vector<int64_t>> a = call.Ints(3, "pad axes");
    if (!a.ok()) return a.status();
    axes = std::move(*a);
  }
  // An empty constant_value tensor means the default, zero.
  const ref::Tensor* value = call.input(2);
  if (value != nullptr && value->num_elements() == 0) value = nullptr;
  return OneResult(ref::Pad(*call.inputs[0], *pads, axes, *mode, value));
}

FallbackResults RunExpand(const FallbackCall& call) {
  rt::Result<std::vector<int64_t>> shape = call.Ints(1, "expand shape");
  if (!shape.ok()) return shape.status();
  return OneResult(ref::Expand(*call.inputs[0], *shape));
}

FallbackResults RunTile(const FallbackCall& call) {
  rt::Result<std::vector<int64_t>> repeats = call.Ints(1, "tile repeats");
  if (!repeats.ok()) return repeats.status();
  return OneResult(ref::Tile(*call.inputs[0], *repeats));
}

}  // namespace

void RegisterFallbackMovementKernels(KernelRegistry& registry) {
  registry.Register("reshape", MakeByteCopy<ByteCopyKind::kReshape>);
  registry.Register("flatten", MakeByteCopy<ByteCopyKind::kFlatten>);
  registry.Register("squeeze", MakeByteCopy<ByteCopyKind::kSqueeze>);
  registry.Register("unsqueeze", MakeByteCopy<ByteCopyKind::kUnsqueeze>);
  registry.Register("identity", MakeByteCopy<ByteCopyKind::kIdentity>);
  registry.Register("transpose", MakeFallback<RunTranspose>);
  registry.Register("slice", MakeFallback<RunSlice>);
  registry.Register("gather", MakeFallback<RunGather>);
  registry.Register("concat", MakeFallback<RunConcat>);
  registry.Register("split", MakeFallback<RunSplit>);
  registry.Register("pad", MakeFallback<RunPad>);
  registry.Register("expand", MakeFallback<RunExpand>);
  registry.Register("tile", MakeFallback<RunTile>);
}

}  // namespace kiln::cloud
