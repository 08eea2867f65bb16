#include "runtime/reference/kernels/recurrent.h"

#include <algorithm>
#include <string>

#include "runtime/reference/kernels/gemm.h"
#include "runtime/reference/kernels/int64_values.h"
#include "runtime/reference/kernels/transpose.h"

namespace kiln::ref {
namespace {

std::string Dims(const Tensor& t) { return ShapeString(t.shape()); }

// Sizes of one layer, all in layout 0.
struct LayerDims {
  int64_t seq = 0, batch = 0, input = 0, hidden = 0, dirs = 1, gates = 1;
};

// Checks that `t` is f32 of exactly `want`.
rt::Status CheckShape(const Tensor& t, const Shape& want, const char* what) {
  if (t.dtype() != DType::kF32 || t.shape() != want) {
    return rt::Status::Error(std::string(what) + " is " + std::string(rt::DTypeName(t.dtype())) +
                             Dims(t) + ", expected f32" + ShapeString(want));
  }
  return rt::Status::Ok();
}

// Layout 1 tensors [batch, a, ...] become layout 0 [a, batch, ...] (and back).
rt::Result<Tensor> SwapFirstDims(const Tensor& t) {
  std::vector<int64_t> perm(t.rank());
  for (int i = 0; i < t.rank(); ++i) perm[i] = i;
  std::swap(perm[0], perm[1]);
  return Transpose(t, perm);
}

std::vector<RnnActivation> DefaultActivations(RnnCell cell) {
  const RnnActivation sigmoid{RnnActivationKind::kSigmoid, 0, 0};
  const RnnActivation tanh{RnnActivationKind::kTanh, 0, 0};
  switch (cell) {
    case RnnCell::kRnn:
      return {tanh};
    case RnnCell::kGru:
      return {sigmoid, tanh};
    case RnnCell::kLstm:
      return {sigmoid, tanh, tanh};
  }
  return {};
}

// One direction of one layer over the whole (layout 0) sequence. Everything is row-major;
// `y` points at [seq, dirs, batch, hidden] offset to this direction.
template <typename T>
class DirectionRunner {
 public:
  DirectionRunner(const LayerDims& d, const RecurrentParams& p, std::span<const RnnActivation> f,
                  const std::vector<int64_t>& lens, bool reverse, int threads)
      : d_(d), p_(p), f_(f), lens_(lens), reverse_(reverse), threads_(threads) {}

  // w, r: this direction's weights; b: its biases or null; p: peepholes or null; h, c: the
  // state (initialized by the caller, updated in place).
  void Run(const T* x, const T* w, const T* r, const T* b, const T* peep, T* h, T* c, T* y) {
    const int64_t gh = d_.gates * d_.hidden;
    const int64_t rows = d_.seq * d_.batch;
    // xw = X * W^T + Wb + Rb for every step at once (GRU with linear_before_reset keeps Rbh
    // inside the reset gate product).
    xw_.assign(rows * gh, T(0));
    GemmRowMajor<T>(false, true, rows, gh, d_.input, T(1), x, d_.input, w, d_.input, T(0),
                    xw_.data(), gh, threads_);
    if (b != nullptr) {
      const bool keep_rbh = p_.cell == RnnCell::kGru && p_.linear_before_reset;
      for (int64_t i = 0; i < rows; ++i) {
        T* row = xw_.data() + i * gh;
        for (int64_t j = 0; j < gh; ++j) {
          const bool rbh = keep_rbh && j >= 2 * d_.hidden;
          row[j] += b[j] + (rbh ? T(0) : b[gh + j]);
        }
      }
    }
    rb_h_ = b != nullptr ? b + gh + 2 * d_.hidden : nullptr;
    hr_.assign(d_.batch * gh, T(0));
    scratch_.assign(d_.batch * d_.hidden, T(0));
    for (int64_t s = 0; s < d_.seq; ++s) Step(s, r, peep, h, c, y);
  }

 private:
  T Clip(T v) const {
    if (!p_.clip) return v;
    const T limit = static_cast<T>(*p_.clip);
    return std::min(limit, std::max(-limit, v));
  }
  T F(int k, T v) const { return f_[k].Apply(Clip(v)); }

  // The time step batch entry `b` is at after `s` steps, or -1 once its sequence is over.
  int64_t TimeOf(int64_t s, int64_t b) const {
    if (s >= lens_[b]) return -1;
    return reverse_ ? lens_[b] - 1 - s : s;
  }

  void Step(int64_t s, const T* r, const T* peep, T* h, T* c, T* y) {
    const int64_t hid = d_.hidden, gh = d_.gates * hid;
    // hr = H_{t-1} * R^T; GRU without linear_before_reset multiplies only the z and r rows
    // here (the h gate needs the reset gate first).
    const bool gru_late_h = p_.cell == RnnCell::kGru && !p_.linear_before_reset;
    GemmRowMajor<T>(false, true, d_.batch, gru_late_h ? 2 * hid : gh, hid, T(1), h, hid, r, hid,
                    T(0), hr_.data(), gh, threads_);
    if (gru_late_h) {
      // scratch = r ⊙ H_{t-1}, then hr's h part = scratch * Rh^T.
      for (int64_t b = 0; b < d_.batch; ++b) {
        const int64_t t = TimeOf(s, b);
        if (t < 0) continue;
        const T* xw = xw_.data() + (t * d_.batch + b) * gh;
        const T* hr = hr_.data() + b * gh;
        for (int64_t j = 0; j < hid; ++j) {
          scratch_[b * hid + j] = F(0, xw[hid + j] + hr[hid + j]) * h[b * hid + j];
        }
      }
      GemmRowMajor<T>(false, true, d_.batch, hid, hid, T(1), scratch_.data(), hid,
                      r + 2 * hid * hid, hid, T(0), hr_.data() + 2 * hid, gh, threads_);
    }
    for (int64_t b = 0; b < d_.batch; ++b) {
      const int64_t t = TimeOf(s, b);
      if (t < 0) continue;
      const T* xw = xw_.data() + (t * d_.batch + b) * gh;
      const T* hr = hr_.data() + b * gh;
      T* hb = h + b * hid;
      switch (p_.cell) {
        case RnnCell::kRnn:
          for (int64_t j = 0; j < hid; ++j) hb[j] = F(0, xw[j] + hr[j]);
          break;
        case RnnCell::kGru:
          GruCell(xw, hr, hb);
          break;
        case RnnCell::kLstm:
          LstmCell(xw, hr, peep, hb, c + b * hid);
          break;
      }
      T* yt = y + (t * d_.dirs * d_.batch + b) * hid;
      std::copy(hb, hb + hid, yt);
    }
  }

  // Gates z, r, h.
  void GruCell(const T* xw, const T* hr, T* h) const {
    const int64_t hid = d_.hidden;
    for (int64_t j = 0; j < hid; ++j) {
      const T z = F(0, xw[j] + hr[j]);
      T candidate;
      if (p_.linear_before_reset) {
        const T reset = F(0, xw[hid + j] + hr[hid + j]);
        const T rbh = rb_h_ != nullptr ? rb_h_[j] : T(0);
        candidate = F(1, xw[2 * hid + j] + reset * (hr[2 * hid + j] + rbh));
      } else {
        candidate = F(1, xw[2 * hid + j] + hr[2 * hid + j]);
      }
      h[j] = (T(1) - z) * candidate + z * h[j];
    }
  }

  // Gates i, o, f, c; peepholes i, o, f.
  void LstmCell(const T* xw, const T* hr, const T* peep, T* h, T* c) const {
    const int64_t hid = d_.hidden;
    for (int64_t j = 0; j < hid; ++j) {
      const T c_prev = c[j];
      const T pi = peep ? peep[j] : T(0), po = peep ? peep[hid + j] : T(0),
              pf = peep ? peep[2 * hid + j] : T(0);
      const T in = F(0, xw[j] + hr[j] + pi * c_prev);
      const T forget =
          p_.input_forget ? T(1) - in : F(0, xw[2 * hid + j] + hr[2 * hid + j] + pf * c_prev);
      const T cell = F(1, xw[3 * hid + j] + hr[3 * hid + j]);
      const T c_new = forget * c_prev + in * cell;
      const T out = F(0, xw[hid + j] + hr[hid + j] + po * c_new);
      c[j] = c_new;
      h[j] = out * f_[2].Apply(c_new);
    }
  }

  const LayerDims& d_;
  const RecurrentParams& p_;
  std::span<const RnnActivation> f_;
  const std::vector<int64_t>& lens_;
  bool reverse_;
  int threads_;
  const T* rb_h_ = nullptr;
  std::vector<T> xw_, hr_, scratch_;
};

// Reads and checks the operand shapes; converts layout 1 operands to layout 0.
struct Operands {
  LayerDims d;
  Tensor x, initial_h, initial_c;
  std::vector<int64_t> lens;
};

rt::Result<Operands> ReadOperands(const RecurrentInputs& in, const RecurrentParams& p) {
  Operands o;
  LayerDims& d = o.d;
  if (in.x.rank() != 3 || in.x.dtype() != DType::kF32) {
    return rt::Status::Error("X must be f32 of rank 3, got " + Dims(in.x));
  }
  if (p.layout != 0 && p.layout != 1) {
    return rt::Status::Error("layout must be 0 or 1, got " + std::to_string(p.layout));
  }
  o.x = in.x;
  if (p.layout == 1) {
    rt::Result<Tensor> x = SwapFirstDims(in.x);
    if (!x.ok()) return x.status();
    o.x = *x;
  }
  d.seq = o.x.dim(0);
  d.batch = o.x.dim(1);
  d.input = o.x.dim(2);
  d.dirs = p.direction == RnnDirection::kBidirectional ? 2 : 1;
  d.gates = RnnGateCount(p.cell);
  if (in.r.rank() != 3) return rt::Status::Error("R must have rank 3, got " + Dims(in.r));
  d.hidden = p.hidden_size > 0 ? p.hidden_size : in.r.dim(2);
  const int64_t gh = d.gates * d.hidden;
  if (rt::Status s = CheckShape(in.w, {d.dirs, gh, d.input}, "W"); !s.ok()) return s;
  if (rt::Status s = CheckShape(in.r, {d.dirs, gh, d.hidden}, "R"); !s.ok()) return s;
  if (in.b) {
    if (rt::Status s = CheckShape(*in.b, {d.dirs, 2 * gh}, "B"); !s.ok()) return s;
  }
  if (in.p) {
    if (p.cell != RnnCell::kLstm) return rt::Status::Error("only LSTM takes peepholes P");
    if (rt::Status s = CheckShape(*in.p, {d.dirs, 3 * d.hidden}, "P"); !s.ok()) return s;
  }
  const Shape state =
      p.layout == 0 ? Shape{d.dirs, d.batch, d.hidden} : Shape{d.batch, d.dirs, d.hidden};
  for (auto [src, dst, what] : {std::tuple{in.initial_h, &o.initial_h, "initial_h"},
                                std::tuple{in.initial_c, &o.initial_c, "initial_c"}}) {
    if (src == nullptr) {
      rt::Result<Tensor> zeros = Tensor::Zeros(DType::kF32, {d.dirs, d.batch, d.hidden});
      if (!zeros.ok()) return zeros.status();
      *dst = *zeros;
      continue;
    }
    if (rt::Status s = CheckShape(*src, state, what); !s.ok()) return s;
    *dst = *src;
    if (p.layout == 1) {
      rt::Result<Tensor> t = SwapFirstDims(*src);
      if (!t.ok()) return t.status();
      *dst = *t;
    }
  }
  o.lens.assign(d.batch, d.seq);
  if (in.sequence_lens) {
    rt::Result<std::vector<int64_t>> lens = ReadInt64Values(*in.sequence_lens, "sequence_lens");
    if (!lens.ok()) return lens.status();
    if (static_cast<int64_t>(lens->size()) != d.batch) {
      return rt::Status::Error("sequence_lens " + Dims(*in.sequence_lens) + " must have " +
                               std::to_string(d.batch) + " elements");
    }
    for (int64_t len : *lens) {
      if (len < 0 || len > d.seq) {
        return rt::Status::Error("sequence length " + std::to_string(len) + " is outside [0, " +
                                 std::to_string(d.seq) + "]");
      }
    }
    o.lens = std::move(*lens);
  }
  return o;
}

}  // namespace

rt::Result<RnnDirection> ParseRnnDirection(std::string_view name) {
  if (name.empty() || name == "forward") return RnnDirection::kForward;
  if (name == "reverse") return RnnDirection::kReverse;
  if (name == "bidirectional") return RnnDirection::kBidirectional;
  return rt::Status::Error("unknown direction '" + std::string(name) + "'");
}

int RnnGateCount(RnnCell cell) { return cell == RnnCell::kRnn ? 1 : cell == RnnCell::kGru ? 3 : 4; }

int RnnActivationCount(RnnCell cell) {
  return cell == RnnCell::kRnn ? 1 : cell == RnnCell::kGru ? 2 : 3;
}

rt::Result<RecurrentResult> RecurrentLayer(const RecurrentInputs& in, const RecurrentParams& p,
                                           int threads) {
  rt::Result<Operands> o = ReadOperands(in, p);
  if (!o.ok()) return o.status();
  const LayerDims& d = o->d;

  const size_t per_dir = RnnActivationCount(p.cell);
  std::vector<RnnActivation> acts =
      p.activations.empty() ? DefaultActivations(p.cell) : p.activations;
  if (acts.size() == per_dir && d.dirs == 2) acts.insert(acts.end(), acts.begin(), acts.end());
  if (acts.size() != per_dir * d.dirs) {
    return rt::Status::Error("expected " + std::to_string(per_dir * d.dirs) + " activations, got " +
                             std::to_string(acts.size()));
  }

  rt::Result<Tensor> y = Tensor::Zeros(DType::kF32, {d.seq, d.dirs, d.batch, d.hidden});
  rt::Result<Tensor> y_h = Tensor::Empty(DType::kF32, {d.dirs, d.batch, d.hidden});
  rt::Result<Tensor> y_c = Tensor::Empty(DType::kF32, {d.dirs, d.batch, d.hidden});
  for (const auto* t : {&y, &y_h, &y_c}) {
    if (!t->ok()) return t->status();
  }
  const int64_t gh = d.gates * d.hidden, state = d.batch * d.hidden;
  std::copy_n(o->initial_h.data<float>(), d.dirs * state, y_h->mutable_data<float>());
  std::copy_n(o->initial_c.data<float>(), d.dirs * state, y_c->mutable_data<float>());
  for (int64_t dir = 0; dir < d.dirs; ++dir) {
    const bool reverse = p.direction == RnnDirection::kReverse || dir == 1;
    DirectionRunner<float> runner(d, p, std::span(acts).subspan(dir * per_dir, per_dir), o->lens,
                                  reverse, threads);
    runner.Run(o->x.data<float>(), in.w.data<float>() + dir * gh * d.input,
               in.r.data<float>() + dir * gh * d.hidden,
               in.b ? in.b->data<float>() + dir * 2 * gh : nullptr,
               in.p ? in.p->data<float>() + dir * 3 * d.hidden : nullptr,
               y_h->mutable_data<float>() + dir * state, y_c->mutable_data<float>() + dir * state,
               y->mutable_data<float>() + dir * state);
  }

  RecurrentResult result{*y, *y_h, *y_c};
  if (p.layout == 1) {
    rt::Result<Tensor> y1 = Transpose(*y, std::vector<int64_t>{2, 0, 1, 3});
    rt::Result<Tensor> h1 = SwapFirstDims(*y_h);
    rt::Result<Tensor> c1 = SwapFirstDims(*y_c);
    for (const auto* t : {&y1, &h1, &c1}) {
      if (!t->ok()) return t->status();
    }
    result = {*y1, *h1, *c1};
  }
  return result;
}

}  // namespace kiln::ref
