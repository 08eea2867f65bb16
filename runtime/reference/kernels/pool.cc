#include "runtime/reference/kernels/pool.h"

#include <algorithm>
#include <limits>
#include <string>

namespace kiln::ref {
namespace {

rt::Result<WindowGeometry> Resolve(const char* op, const Tensor& x, const PoolParams& p) {
  if (x.rank() < 3 || x.rank() > 2 + kMaxSpatialDims) {
    return rt::Status::Error(std::string(op) + ": X " + ShapeString(x.shape()) +
                             " must have rank 3 to 5");
  }
  WindowParams wp;
  wp.kernel = p.kernel_shape;
  wp.strides = p.strides;
  wp.dilations = p.dilations;
  wp.pads = p.pads;
  wp.auto_pad = p.auto_pad;
  wp.ceil_mode = p.ceil_mode;
  rt::Result<WindowGeometry> g = ResolveWindow(Shape(x.shape().begin() + 2, x.shape().end()), wp);
  if (!g.ok()) return rt::Status::Error(std::string(op) + ": " + g.status().message());
  return g;
}

Shape OutShape(const Tensor& x, const WindowGeometry& g) {
  Shape s = {x.dim(0), x.dim(1)};
  for (int64_t d : g.out_shape()) s.push_back(d);
  return s;
}

// Calls fn(tap_offset_in_plane, i0, i1, i2) for every in-bounds tap of the window at output
// position (o0, o1, o2).
template <typename Fn>
void ForEachTap(const WindowGeometry& g, int64_t o0, int64_t o1, int64_t o2, Fn&& fn) {
  for (int64_t k0 = 0; k0 < g.kernel[0]; ++k0) {
    const int64_t i0 = o0 * g.strides[0] - g.pad_begin[0] + k0 * g.dilations[0];
    if (i0 < 0 || i0 >= g.in[0]) continue;
    for (int64_t k1 = 0; k1 < g.kernel[1]; ++k1) {
      const int64_t i1 = o1 * g.strides[1] - g.pad_begin[1] + k1 * g.dilations[1];
      if (i1 < 0 || i1 >= g.in[1]) continue;
      for (int64_t k2 = 0; k2 < g.kernel[2]; ++k2) {
        const int64_t i2 = o2 * g.strides[2] - g.pad_begin[2] + k2 * g.dilations[2];
        if (i2 < 0 || i2 >= g.in[2]) continue;
        fn((i0 * g.in[1] + i1) * g.in[2] + i2, i0, i1, i2);
      }
    }
  }
}

template <typename T>
void MaxPoolTyped(const Tensor& x, const WindowGeometry& g, int64_t storage_order, Tensor& y,
                  int64_t* indices, int threads) {
  const T* xp = x.data<T>();
  T* yp = y.mutable_data<T>();
  const int64_t planes = x.dim(0) * x.dim(1), isize = g.in_size(), osize = g.out_size();
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t nc = 0; nc < planes; ++nc) {
    const T* plane = xp + nc * isize;
    int64_t o = nc * osize;
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2, ++o) {
          T best = std::numeric_limits<T>::lowest();
          int64_t best_index = -1;
          ForEachTap(g, o0, o1, o2, [&](int64_t off, int64_t i0, int64_t i1, int64_t i2) {
            if (best_index < 0 || plane[off] > best) {
              best = plane[off];
              best_index = storage_order == 0 ? off : i0 + (i1 + i2 * g.in[1]) * g.in[0];
            }
          });
          yp[o] = best;
          if (indices != nullptr) indices[o] = nc * isize + std::max<int64_t>(best_index, 0);
        }
      }
    }
  }
}

// Taps of a dilated window starting at `start` that land in [lo, hi).
int64_t CountTaps(int64_t start, int64_t kernel, int64_t dilation, int64_t lo, int64_t hi) {
  int64_t n = 0;
  for (int64_t k = 0; k < kernel; ++k) {
    const int64_t i = start + k * dilation;
    n += i >= lo && i < hi;
  }
  return n;
}

}  // namespace

rt::Result<MaxPoolResult> MaxPool(const Tensor& x, const PoolParams& p, bool with_indices,
                                  int threads) {
  if (p.storage_order != 0 && p.storage_order != 1) {
    return rt::Status::Error("max_pool: storage_order must be 0 or 1");
  }
  rt::Result<WindowGeometry> g = Resolve("max_pool", x, p);
  if (!g.ok()) return g.status();
  MaxPoolResult r;
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), OutShape(x, *g));
  if (!y.ok()) return y.status();
  r.values = std::move(*y);
  int64_t* indices = nullptr;
  if (with_indices) {
    rt::Result<Tensor> i = Tensor::Empty(DType::kI64, r.values.shape());
    if (!i.ok()) return i.status();
    r.indices = std::move(*i);
    indices = r.indices.mutable_data<int64_t>();
  }
  switch (x.dtype()) {
    case DType::kF32:
      MaxPoolTyped<float>(x, *g, p.storage_order, r.values, indices, threads);
      break;
    case DType::kI8:
      MaxPoolTyped<int8_t>(x, *g, p.storage_order, r.values, indices, threads);
      break;
    case DType::kU8:
      MaxPoolTyped<uint8_t>(x, *g, p.storage_order, r.values, indices, threads);
      break;
    default:
      return rt::Status::Error("max_pool: unsupported dtype " +
                               std::string(rt::DTypeName(x.dtype())));
  }
  return r;
}

rt::Result<Tensor> AveragePool(const Tensor& x, const PoolParams& p, int threads) {
  if (x.dtype() != DType::kF32) return rt::Status::Error("average_pool: only f32 is supported");
  rt::Result<WindowGeometry> geom = Resolve("average_pool", x, p);
  if (!geom.ok()) return geom.status();
  const WindowGeometry& g = *geom;
  rt::Result<Tensor> y = Tensor::Empty(DType::kF32, OutShape(x, g));
  if (!y.ok()) return y.status();
  const float* xp = x.data<float>();
  float* yp = y->mutable_data<float>();
  const int64_t planes = x.dim(0) * x.dim(1), isize = g.in_size(), osize = g.out_size();
#pragma omp parallel for num_threads(threads) if (threads > 1)
  for (int64_t nc = 0; nc < planes; ++nc) {
    const float* plane = xp + nc * isize;
    int64_t o = nc * osize;
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0) {
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1) {
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2, ++o) {
          double sum = 0;
          int64_t count = 0;
          ForEachTap(g, o0, o1, o2, [&](int64_t off, int64_t, int64_t, int64_t) {
            sum += plane[off];
            ++count;
          });
          if (p.count_include_pad) {
            // Padded taps count, but not the ones ceil_mode lets run past the end padding.
            count = 1;
            const int64_t os[3] = {o0, o1, o2};
            for (int d = 0; d < kMaxSpatialDims; ++d) {
              count *= CountTaps(os[d] * g.strides[d] - g.pad_begin[d], g.kernel[d], g.dilations[d],
                                 -g.pad_begin[d], g.in[d] + g.pad_end[d]);
            }
          }
          yp[o] = count > 0 ? static_cast<float>(sum / count) : 0.0f;
        }
      }
    }
  }
  return y;
}

namespace {

rt::Result<Tensor> GlobalPool(const char* op, const Tensor& x, bool average) {
  if (x.rank() < 3) {
    return rt::Status::Error(std::string(op) + ": X " + ShapeString(x.shape()) +
                             " must have rank >= 3");
  }
  Shape out(x.rank(), 1);
  out[0] = x.dim(0);
  out[1] = x.dim(1);
  rt::Result<Tensor> y = Tensor::Empty(x.dtype(), out);
  if (!y.ok()) return y.status();
  const int64_t planes = x.dim(0) * x.dim(1),
                size = x.num_elements() / std::max<int64_t>(planes, 1);
  auto run = [&]<typename T>(T) {
    const T* xp = x.data<T>();
    T* yp = y->template mutable_data<T>();
    for (int64_t nc = 0; nc < planes; ++nc) {
      const T* plane = xp + nc * size;
      if (average) {
        double sum = 0;
        for (int64_t i = 0; i < size; ++i) sum += plane[i];
        yp[nc] = static_cast<T>(size > 0 ? sum / size : 0.0);
      } else {
        yp[nc] =
            size > 0 ? *std::max_element(plane, plane + size) : std::numeric_limits<T>::lowest();
      }
    }
  };
  switch (x.dtype()) {
    case DType::kF32:
      run(float{});
      return y;
    case DType::kI8:
      if (average) break;
      run(int8_t{});
      return y;
    case DType::kU8:
      if (average) break;
      run(uint8_t{});
      return y;
    default:
      break;
  }
  return rt::Status::Error(std::string(op) + ": unsupported dtype " +
                           std::string(rt::DTypeName(x.dtype())));
}

}  // namespace

rt::Result<Tensor> GlobalAveragePool(const Tensor& x) {
  return GlobalPool("global_average_pool", x, true);
}

rt::Result<Tensor> GlobalMaxPool(const Tensor& x) {
  return GlobalPool("global_max_pool", x, false);
}

}  // namespace kiln::ref
