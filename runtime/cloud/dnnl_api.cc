#include "runtime/cloud/dnnl_api.h"

#include <omp.h>

#include <algorithm>
#include <numeric>
#include <string>

namespace kiln::cloud {

dnnl::engine& CpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

void SetDnnlThreads(int threads) { omp_set_num_threads(threads < 1 ? 1 : threads); }

rt::Status DnnlStatus(const dnnl::error& e, std::string_view what) {
  return rt::Status::Error(std::string(what) + ": oneDNN error: " + e.what() + " (status " +
                           std::to_string(static_cast<int>(e.status)) + ")");
}

memory::data_type DnnlDataType(rt::DType dtype) {
  switch (dtype) {
    case rt::DType::kF32:
      return memory::data_type::f32;
    case rt::DType::kF16:
      return memory::data_type::f16;
    case rt::DType::kBF16:
      return memory::data_type::bf16;
    case rt::DType::kI8:
      return memory::data_type::s8;
    case rt::DType::kU8:
      return memory::data_type::u8;
    case rt::DType::kI32:
      return memory::data_type::s32;
    default:
      return memory::data_type::undef;
  }
}

Dims PlainStrides(const Dims& dims) {
  Dims strides(dims.size());
  int64_t stride = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= dims[i] > 0 ? dims[i] : 1;
  }
  return strides;
}

memory::desc PlainDesc(const Dims& dims, rt::DType dtype) {
  return memory::desc(dims, DnnlDataType(dtype), PlainStrides(dims));
}

bool IsPlain(const memory::desc& desc) {
  const dnnl_memory_desc_t& d = desc.data;
  if (d.format_kind != dnnl_blocked) return false;
  // One inner block is plain too when its bytes are: nChw16c of [N, C, 1, 1] with C % 16 == 0.
  const dnnl_blocking_desc_t& blocking = d.format_desc.blocking;
  if (blocking.inner_nblks > 1) return false;
  const int blocked_dim = blocking.inner_nblks == 1 ? blocking.inner_idxs[0] : -1;
  int64_t stride = 1;
  for (int i = d.ndims; i-- > 0;) {
    if (d.padded_dims[i] != d.dims[i] || d.padded_offsets[i] != 0) return false;
    if (i == blocked_dim) {
      if (d.dims[i] != 1 && (stride != 1 || blocking.strides[i] != blocking.inner_blks[0])) {
        return false;
      }
    } else if (d.dims[i] != 1 && blocking.strides[i] != stride) {
      return false;
    }
    stride *= d.dims[i];
  }
  return d.offset0 == 0;
}

memory::desc AnyDesc(const Dims& dims, rt::DType dtype) {
  return memory::desc(memory::dims(dims.begin(), dims.end()), DnnlDataType(dtype),
                      memory::format_tag::any);
}

namespace {

// The dims of `d` ordered from the largest outer stride to the smallest (ties: lower dim first).
std::vector<int> StrideOrder(const dnnl_memory_desc_t& d) {
  std::vector<int> order(d.ndims);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    return d.format_desc.blocking.strides[x] > d.format_desc.blocking.strides[y];
  });
  return order;
}

}  // namespace

bool SameLayout(const memory::desc& a, const memory::desc& b) {
  const dnnl_memory_desc_t& x = a.data;
  const dnnl_memory_desc_t& y = b.data;
  if (x.format_kind != dnnl_blocked || y.format_kind != dnnl_blocked) return false;
  if (x.ndims != y.ndims || x.data_type != y.data_type) return false;
  const dnnl_blocking_desc_t& bx = x.format_desc.blocking;
  const dnnl_blocking_desc_t& by = y.format_desc.blocking;
  if (bx.inner_nblks != by.inner_nblks) return false;
  for (int i = 0; i < bx.inner_nblks; ++i) {
    if (bx.inner_blks[i] != by.inner_blks[i] || bx.inner_idxs[i] != by.inner_idxs[i]) return false;
  }
  return StrideOrder(x) == StrideOrder(y);
}

memory::desc LayoutLike(const memory::desc& like, const Dims& dims) {
  dnnl_memory_desc_t d = like.data;
  const dnnl_blocking_desc_t& blocking = like.data.format_desc.blocking;
  int64_t block[DNNL_MAX_NDIMS];
  std::fill(block, block + DNNL_MAX_NDIMS, 1);
  int64_t inner = 1;
  for (int i = 0; i < blocking.inner_nblks; ++i) {
    block[blocking.inner_idxs[i]] *= blocking.inner_blks[i];
    inner *= blocking.inner_blks[i];
  }
  for (int i = 0; i < d.ndims; ++i) {
    d.dims[i] = dims[i];
    d.padded_dims[i] = (dims[i] + block[i] - 1) / block[i] * block[i];
    d.padded_offsets[i] = 0;
  }
  const std::vector<int> order = StrideOrder(like.data);
  int64_t stride = inner;
  for (size_t k = order.size(); k-- > 0;) {
    const int dim = order[k];
    d.format_desc.blocking.strides[dim] = stride;
    stride *= d.padded_dims[dim] / block[dim];
  }
  d.offset0 = 0;
  d.extra = dnnl_memory_extra_desc_t{};
  return memory::desc(d);
}

bool HasInt8DotProduct() {
  const auto bits = [](dnnl::cpu_isa isa) { return static_cast<unsigned>(isa); };
  const unsigned isa = bits(dnnl::get_effective_cpu_isa());
  const auto includes = [&](dnnl::cpu_isa wanted) { return (isa & bits(wanted)) == bits(wanted); };
  static const bool has =
      includes(dnnl::cpu_isa::avx512_core_vnni) || includes(dnnl::cpu_isa::avx2_vnni);
  return has;
}

bool HasAvx512Core() {
  // The ISA values are bit sets: avx512_core's bits are a subset of every later AVX-512 ISA's
  // (but not of avx2_vnni's, which compares greater).
  const auto bits = [](dnnl::cpu_isa isa) { return static_cast<unsigned>(isa); };
  static const bool has = (bits(dnnl::get_effective_cpu_isa()) &
                           bits(dnnl::cpu_isa::avx512_core)) == bits(dnnl::cpu_isa::avx512_core);
  return has;
}

bool IsReferenceImpl(const dnnl::primitive_desc_base& pd) {
  return std::string_view(pd.impl_info_str()).substr(0, 3) == "ref";
}

memory PackConstant(const void* data, const memory::desc& from, const memory::desc& to) {
  dnnl::engine& engine = CpuEngine();
  memory source(from, engine, const_cast<void*>(data));
  memory packed(to, engine);
  dnnl::stream stream(engine);
  dnnl::reorder(source, packed).execute(stream, source, packed);
  stream.wait();
  return packed;
}

void BoundPrimitive::Bind(int arg, const memory::desc& desc) {
  args_[arg] = memory(desc, CpuEngine(), DNNL_MEMORY_NONE);
  current_[arg] = nullptr;
}

void BoundPrimitive::Bind(int arg, const memory& fixed) {
  args_[arg] = fixed;
  current_.erase(arg);
}

void BoundPrimitive::Bind(int arg, const memory::desc& desc, const void* fixed_data) {
  if (fixed_data == nullptr) return Bind(arg, desc);
  Bind(arg, memory(desc, CpuEngine(), const_cast<void*>(fixed_data)));
}

void BoundPrimitive::Set(int arg, const void* data) {
  auto it = current_.find(arg);
  if (it == current_.end() || it->second == data) return;
  it->second = data;
  args_.at(arg).set_data_handle(const_cast<void*>(data));
}

}  // namespace kiln::cloud
