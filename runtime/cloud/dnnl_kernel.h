// The base of every oneDNN kernel: Prepare and Run wrapped so that a oneDNN exception (or an
// allocation failure) comes back as a Status naming the op, plus the checks every kernel makes
// of its operands (present, f32, rank, constant). Subclasses implement PrepareDnnl / RunDnnl.
//
//   class ReluKernel final : public DnnlKernel { ... };
//   if (rt::Status s = CheckF32(ctx, 0, 1, 12); !s.ok()) return s;   // "op 3 (...): ..."
//   return Error("the weight must be a constant");
#pragma once

#include <string>
#include <string_view>

#include "runtime/cloud/cloud_kernel.h"

namespace kiln::cloud {

class DnnlKernel : public CloudKernel {
 public:
  rt::Status Prepare(PrepareContext& ctx) final;
  rt::Status Run(const RunContext& ctx) final;

 protected:
  virtual rt::Status PrepareDnnl(PrepareContext& ctx) = 0;
  virtual rt::Status RunDnnl(const RunContext& ctx) = 0;

  // "<where>: <message>".
  rt::Status Error(std::string_view message) const;
  const std::string& where() const { return where_; }

  // Input `i` is present, f32, and of rank in [min_rank, max_rank].
  rt::Status CheckF32(const PrepareContext& ctx, int i, int min_rank, int max_rank) const;
  // Input `i` is present, f32 and a constant (its bytes are in TensorInfo::data).
  rt::Status CheckConstantF32(const PrepareContext& ctx, int i) const;
  // Input `i` if the op has it, else null.
  static const TensorInfo* Input(const PrepareContext& ctx, int i);
  // Sets output `i` to `dtype` (f32 unless given) of `dims` in `desc`.
  rt::Status SetOutput(PrepareContext& ctx, int i, const Dims& dims, const memory::desc& desc,
                       rt::DType dtype = rt::DType::kF32) const;
  // True when `t` is in a layout other than the plain one of its dims (nChw16c, nhwc, ...).
  static bool IsBlocked(const TensorInfo& t);
  // The layout for an op that reads input `i` and writes output `o` in one layout (eltwise,
  // pooling, batch_norm): the input's own when it is blocked and the output may be blocked,
  // else plain. Sets required[i] to it.
  static memory::desc KeepLayout(PrepareContext& ctx, int i, int o);
  // True when the executor wants output `i` plain.
  static bool MustBePlain(const PrepareContext& ctx, int i);
  // Binds `primitive`'s scratchpad argument when `scratchpad` has bytes, and requests them (the
  // primitives of one kernel run one after another, so they share one scratchpad: the largest
  // request counts). Run sets it with primitive.Set(DNNL_ARG_SCRATCHPAD, ctx.scratchpad).
  static void UseScratchpad(PrepareContext& ctx, const memory::desc& scratchpad,
                            BoundPrimitive& primitive);
  // A primitive_attr with user-mode scratchpad and `ops` as post-ops.
  static dnnl::primitive_attr Attr(const dnnl::post_ops& ops = dnnl::post_ops());

 private:
  std::string where_;
};

// The residual of conv and linear (input 3: y = activation(op(x, w, b) + residual)), added by
// oneDNN's sum post-op, which adds what the output buffer holds. So the residual must be in the
// output's layout and buffer when the primitive runs: Copy puts it there (a parallel reorder
// within one layout) unless the executor already placed the output in the residual's buffer.
//
//   residual_.Prepare(pd.dst_desc());  ctx.required[3] = pd.dst_desc();   // in Prepare
//   residual_.Copy(ctx.inputs[3], ctx.outputs[0], ctx.stream);            // in Run, first
class ResidualCopy {
 public:
  static constexpr int kInput = 3;
  void Prepare(const memory::desc& layout);
  void Reset() { active_ = false; }
  bool active() const { return active_; }
  void Copy(const void* residual, void* output, dnnl::stream& stream);

 private:
  bool active_ = false;
  BoundPrimitive copy_;
};

// Number of elements of `dims` (1 for a scalar).
int64_t NumElements(const Dims& dims);
// "[2,3,4]".
std::string DimsString(const Dims& dims);

}  // namespace kiln::cloud
