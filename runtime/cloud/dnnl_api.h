// The one header of the cloud runtime that includes oneDNN (DESIGN.md: vendor APIs behind one
// thin header each). oneDNN 2.6, the 2.x C++ API: `op::desc` + `primitive_desc`, post-ops,
// `format_tag::any`. Everything else in runtime/cloud/ includes this, never <dnnl.hpp>.
//
//   dnnl::engine& engine = CpuEngine();
//   SetDnnlThreads(2);                       // before creating primitives
//   rt::Status s = DnnlStatus(e, "conv");    // a caught dnnl::error as a one-line Status
#pragma once

#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/core/dtype.h"
#include "runtime/core/result.h"

namespace kiln::cloud {

using dnnl::memory;
using Dims = std::vector<int64_t>;

// The process-wide CPU engine (created on first use).
dnnl::engine& CpuEngine();

// Debian's oneDNN uses OpenMP: sets the calling thread's OpenMP thread count.
void SetDnnlThreads(int threads);

// A caught oneDNN error as a Status: "<what>: oneDNN error: <message> (status N)".
rt::Status DnnlStatus(const dnnl::error& e, std::string_view what);

// oneDNN's data type for a runtime dtype; memory::data_type::undef when oneDNN has none.
memory::data_type DnnlDataType(rt::DType dtype);

// The row-major strides of `dims`, in elements (a dim of 0 counts as 1).
Dims PlainStrides(const Dims& dims);

// The plain (row-major, C order) layout of `dims`: abcd... strides.
memory::desc PlainDesc(const Dims& dims, rt::DType dtype);

// True when `desc` is the plain row-major layout of its dims (no blocking, no padding), or lays
// its bytes out exactly like it (nhwc or nChw16c of [N, C, 1, 1] with C % 16 == 0).
bool IsPlain(const memory::desc& desc);

// A layout left to the primitive to choose (format_tag::any).
memory::desc AnyDesc(const Dims& dims, rt::DType dtype);

// True when oneDNN runs AVX-512 (avx512_core or better) kernels on this machine, after
// ONEDNN_MAX_CPU_ISA: the machines where 16-channel blocked layouts are native.
bool HasAvx512Core();

// True when oneDNN runs int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI, AMX) here, after
// ONEDNN_MAX_CPU_ISA. Without them its direct int8 kernels multiply u8 x s8 pairs with
// vpmaddubsw, whose 16-bit sums saturate for large weights and inputs.
bool HasInt8DotProduct();

// True when `a` and `b` arrange their dims the same way (same blocking, same order of strides),
// whatever the dims: nChw16c and nChw16c, nhwc and nhwc. Both must be blocked-kind descs.
bool SameLayout(const memory::desc& a, const memory::desc& b);

// The layout of `like` (its blocking and order of dims) for other dims of the same rank: for
// `like` nChw16c [N, C, H, W] and dims [1, C, 1, 1], that operand in nChw16c. oneDNN's fast
// binary kernels want a broadcast operand laid out like the full one.
memory::desc LayoutLike(const memory::desc& like, const Dims& dims);

// True when oneDNN chose its slow reference implementation for `pd` ("ref:any"), as it does
// for layout combinations its fast kernels do not handle.
bool IsReferenceImpl(const dnnl::primitive_desc_base& pd);

// A copy of `data` (laid out as `from`) in layout `to`, in memory the returned object owns:
// weights packed once at load.
memory PackConstant(const void* data, const memory::desc& from, const memory::desc& to);

// A primitive and its argument memories, made once in Prepare. Run points the per-run arguments
// at this run's buffers and executes, without allocating memory of its own.
//
//   BoundPrimitive conv(dnnl::convolution_forward(pd));
//   conv.Bind(DNNL_ARG_SRC, pd.src_desc());            // set per run
//   conv.Bind(DNNL_ARG_WEIGHTS, packed_weights);       // fixed
//   conv.Set(DNNL_ARG_SRC, x); ...; conv.Execute(stream);
class BoundPrimitive {
 public:
  BoundPrimitive() = default;
  explicit BoundPrimitive(dnnl::primitive primitive) : primitive_(std::move(primitive)) {}

  // An argument whose buffer changes from run to run (set with Set).
  void Bind(int arg, const memory::desc& desc);
  // An argument whose memory is fixed (a packed constant the kernel owns).
  void Bind(int arg, const memory& fixed);
  // A fixed argument over `fixed_data` (a constant that outlives the primitive, not copied)
  // when it is not null, else an argument set per run.
  void Bind(int arg, const memory::desc& desc, const void* fixed_data);
  // Points argument `arg` (bound with a desc) at `data` for this and later runs; does nothing
  // for an argument not bound with a desc. Setting the pointer it already has is free (oneDNN
  // re-zeroes the padding of blocked memory on every change, so unchanged pointers are not
  // passed on).
  void Set(int arg, const void* data);
  void Execute(dnnl::stream& stream) const { primitive_.execute(stream, args_); }

 private:
  dnnl::primitive primitive_;
  std::unordered_map<int, memory> args_;
  std::unordered_map<int, const void*> current_;
};

}  // namespace kiln::cloud
