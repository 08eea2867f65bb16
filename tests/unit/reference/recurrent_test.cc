#include "runtime/reference/kernels/recurrent.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

using Fn = std::function<double(double)>;
double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// A layer's operands and a straightforward per-entry evaluation of the ONNX equations in
// double precision (layout 0), to compare the kernel with.
struct Layer {
  RnnCell cell = RnnCell::kRnn;
  int64_t seq = 4, batch = 3, input = 5, hidden = 4, dirs = 1;
  bool reverse_only = false;
  std::vector<float> x, w, r, b, h0, c0, p;
  std::vector<int64_t> lens;
  std::optional<double> clip;
  bool linear_before_reset = false, input_forget = false;

  int gates() const { return RnnGateCount(cell); }

  void Randomize(int seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    auto fill = [&](std::vector<float>& v, int64_t n, float scale) {
      v.resize(n);
      for (float& e : v) e = u(rng) * scale;
    };
    const int64_t gh = gates() * hidden;
    fill(x, seq * batch * input, 1.5f);
    fill(w, dirs * gh * input, 0.6f);
    fill(r, dirs * gh * hidden, 0.6f);
    fill(b, dirs * 2 * gh, 0.5f);
    fill(h0, dirs * batch * hidden, 0.8f);
    fill(c0, dirs * batch * hidden, 0.8f);
    fill(p, dirs * 3 * hidden, 0.5f);
    lens.assign(batch, seq);
  }

  // y [seq, dirs, batch, hidden], y_h and y_c [dirs, batch, hidden].
  void Evaluate(const std::vector<std::vector<Fn>>& f, std::vector<double>& y,
                std::vector<double>& y_h, std::vector<double>& y_c) const {
    const int64_t gh = gates() * hidden;
    y.assign(seq * dirs * batch * hidden, 0.0);
    y_h.assign(dirs * batch * hidden, 0.0);
    y_c.assign(dirs * batch * hidden, 0.0);
    auto clipped = [&](double v) { return clip ? std::clamp(v, -*clip, *clip) : v; };
    for (int64_t d = 0; d < dirs; ++d) {
      const bool reverse = reverse_only || d == 1;
      const float* wd = w.data() + d * gh * input;
      const float* rd = r.data() + d * gh * hidden;
      const float* wb = b.data() + d * 2 * gh;
      const float* rb = wb + gh;
      for (int64_t n = 0; n < batch; ++n) {
        std::vector<double> h(hidden), c(hidden), next(hidden);
        for (int64_t j = 0; j < hidden; ++j) {
          h[j] = h0[(d * batch + n) * hidden + j];
          c[j] = c0[(d * batch + n) * hidden + j];
        }
        for (int64_t s = 0; s < lens[n]; ++s) {
          const int64_t t = reverse ? lens[n] - 1 - s : s;
          const float* xt = x.data() + (t * batch + n) * input;
          // X * W^T + Wb for gate row g*hidden+j; likewise state * R^T + Rb.
          auto xw = [&](int g, int64_t j) {
            double acc = wb[g * hidden + j];
            for (int64_t k = 0; k < input; ++k) acc += xt[k] * wd[(g * hidden + j) * input + k];
            return acc;
          };
          auto hr = [&](int g, int64_t j, const std::vector<double>& state) {
            double acc = rb[g * hidden + j];
            for (int64_t k = 0; k < hidden; ++k)
              acc += state[k] * rd[(g * hidden + j) * hidden + k];
            return acc;
          };
          const std::vector<Fn>& fd = f[d];
          if (cell == RnnCell::kRnn) {
            for (int64_t j = 0; j < hidden; ++j) next[j] = fd[0](clipped(xw(0, j) + hr(0, j, h)));
          } else if (cell == RnnCell::kGru) {
            std::vector<double> z(hidden), reset(hidden), rh(hidden);
            for (int64_t j = 0; j < hidden; ++j) {
              z[j] = fd[0](clipped(xw(0, j) + hr(0, j, h)));
              reset[j] = fd[0](clipped(xw(1, j) + hr(1, j, h)));
              rh[j] = reset[j] * h[j];
            }
            for (int64_t j = 0; j < hidden; ++j) {
              const double pre =
                  linear_before_reset ? xw(2, j) + reset[j] * hr(2, j, h) : xw(2, j) + hr(2, j, rh);
              next[j] = (1 - z[j]) * fd[1](clipped(pre)) + z[j] * h[j];
            }
          } else {
            const float* pd = p.empty() ? nullptr : p.data() + d * 3 * hidden;
            for (int64_t j = 0; j < hidden; ++j) {
              const double pi = pd ? pd[j] : 0, po = pd ? pd[hidden + j] : 0,
                           pf = pd ? pd[2 * hidden + j] : 0;
              const double i = fd[0](clipped(xw(0, j) + hr(0, j, h) + pi * c[j]));
              const double fg =
                  input_forget ? 1 - i : fd[0](clipped(xw(2, j) + hr(2, j, h) + pf * c[j]));
              const double cand = fd[1](clipped(xw(3, j) + hr(3, j, h)));
              const double cn = fg * c[j] + i * cand;
              const double o = fd[0](clipped(xw(1, j) + hr(1, j, h) + po * cn));
              next[j] = o * fd[2](cn);
              c[j] = cn;
            }
          }
          h = next;
          for (int64_t j = 0; j < hidden; ++j) y[((t * dirs + d) * batch + n) * hidden + j] = h[j];
        }
        for (int64_t j = 0; j < hidden; ++j) {
          y_h[(d * batch + n) * hidden + j] = h[j];
          y_c[(d * batch + n) * hidden + j] = c[j];
        }
      }
    }
  }
};

// max |got - want| / max |want|.
double RelErr(const Tensor& got, const std::vector<double>& want) {
  EXPECT_EQ(got.num_elements(), static_cast<int64_t>(want.size()));
  double diff = 0, mag = 1e-12;
  for (size_t i = 0; i < want.size(); ++i) {
    diff = std::max(diff, std::abs(got.data<float>()[i] - want[i]));
    mag = std::max(mag, std::abs(want[i]));
  }
  return diff / mag;
}

// Runs the kernel on `l` (layout 0) and checks every result against the evaluation.
void ExpectMatches(const Layer& l, const RecurrentParams& p, const std::vector<std::vector<Fn>>& f,
                   bool with_bias = true, bool with_initial = true, bool with_lens = false) {
  const int64_t gh = l.gates() * l.hidden;
  Tensor x = Tensor::FromVector(DType::kF32, {l.seq, l.batch, l.input}, l.x);
  Tensor w = Tensor::FromVector(DType::kF32, {l.dirs, gh, l.input}, l.w);
  Tensor r = Tensor::FromVector(DType::kF32, {l.dirs, gh, l.hidden}, l.r);
  Tensor b = Tensor::FromVector(DType::kF32, {l.dirs, 2 * gh}, l.b);
  Tensor h0 = Tensor::FromVector(DType::kF32, {l.dirs, l.batch, l.hidden}, l.h0);
  Tensor c0 = Tensor::FromVector(DType::kF32, {l.dirs, l.batch, l.hidden}, l.c0);
  Tensor peep = Tensor::FromVector(DType::kF32, {l.dirs, 3 * l.hidden}, l.p);
  std::vector<int32_t> lens32(l.lens.begin(), l.lens.end());
  Tensor lens = Tensor::FromVector(DType::kI32, {l.batch}, lens32);
  const bool lstm = l.cell == RnnCell::kLstm;
  RecurrentInputs in{.x = x,
                     .w = w,
                     .r = r,
                     .b = with_bias ? &b : nullptr,
                     .sequence_lens = with_lens ? &lens : nullptr,
                     .initial_h = with_initial ? &h0 : nullptr,
                     .initial_c = with_initial && lstm ? &c0 : nullptr,
                     .p = lstm && !l.p.empty() ? &peep : nullptr};
  Layer ref = l;
  if (!with_bias) std::fill(ref.b.begin(), ref.b.end(), 0.0f);
  if (!with_initial) {
    std::fill(ref.h0.begin(), ref.h0.end(), 0.0f);
    std::fill(ref.c0.begin(), ref.c0.end(), 0.0f);
  }
  std::vector<double> y, y_h, y_c;
  ref.Evaluate(f, y, y_h, y_c);
  rt::Result<RecurrentResult> got = RecurrentLayer(in, p, 2);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->y.shape(), (Shape{l.seq, l.dirs, l.batch, l.hidden}));
  EXPECT_LT(RelErr(got->y, y), 1e-5);
  EXPECT_LT(RelErr(got->y_h, y_h), 1e-5);
  if (lstm) {
    EXPECT_LT(RelErr(got->y_c, y_c), 1e-5);
  }
}

const Fn kTanh = [](double v) { return std::tanh(v); };
const Fn kSigmoid = Sigmoid;

TEST(RecurrentTest, RnnForwardWithBiasAndInitialState) {
  Layer l;
  l.Randomize(1);
  ExpectMatches(l, {.cell = RnnCell::kRnn}, {{kTanh}});
  ExpectMatches(l, {.cell = RnnCell::kRnn}, {{kTanh}}, /*with_bias=*/false,
                /*with_initial=*/false);
}

TEST(RecurrentTest, RnnReverseWithReluAndClip) {
  Layer l;
  l.reverse_only = true;
  l.clip = 0.5;
  l.Randomize(2);
  RecurrentParams p{.cell = RnnCell::kRnn, .direction = RnnDirection::kReverse, .clip = 0.5f};
  p.activations = {RnnActivation{RnnActivationKind::kRelu}};
  ExpectMatches(l, p, {{[](double v) { return std::max(v, 0.0); }}});
}

TEST(RecurrentTest, GruBothResetPlacements) {
  for (bool lbr : {false, true}) {
    Layer l;
    l.cell = RnnCell::kGru;
    l.linear_before_reset = lbr;
    l.Randomize(3);
    ExpectMatches(l, {.cell = RnnCell::kGru, .linear_before_reset = lbr}, {{kSigmoid, kTanh}});
  }
}

TEST(RecurrentTest, GruBidirectionalWithSequenceLengths) {
  Layer l;
  l.cell = RnnCell::kGru;
  l.dirs = 2;
  l.Randomize(4);
  l.lens = {4, 2, 1};
  RecurrentParams p{.cell = RnnCell::kGru, .direction = RnnDirection::kBidirectional};
  ExpectMatches(l, p, {{kSigmoid, kTanh}, {kSigmoid, kTanh}}, true, true, /*with_lens=*/true);
}

TEST(RecurrentTest, LstmWithPeepholesBidirectionalAndLengths) {
  Layer l;
  l.cell = RnnCell::kLstm;
  l.dirs = 2;
  l.Randomize(5);
  l.lens = {3, 4, 2};
  RecurrentParams p{.cell = RnnCell::kLstm, .direction = RnnDirection::kBidirectional};
  // Per-direction activations: the reverse direction uses others.
  p.activations = {RnnActivation{RnnActivationKind::kSigmoid},
                   RnnActivation{RnnActivationKind::kTanh},
                   RnnActivation{RnnActivationKind::kTanh},
                   RnnActivation{RnnActivationKind::kHardSigmoid, 0.2f, 0.5f},
                   RnnActivation{RnnActivationKind::kSoftsign},
                   RnnActivation{RnnActivationKind::kElu, 1.0f}};
  const Fn hard = [](double v) { return std::clamp(0.2 * v + 0.5, 0.0, 1.0); };
  const Fn softsign = [](double v) { return v / (1 + std::abs(v)); };
  const Fn elu = [](double v) { return v < 0 ? std::exp(v) - 1 : v; };
  ExpectMatches(l, p, {{kSigmoid, kTanh, kTanh}, {hard, softsign, elu}}, true, true, true);
}

TEST(RecurrentTest, LstmInputForgetWithoutPeepholes) {
  Layer l;
  l.cell = RnnCell::kLstm;
  l.input_forget = true;
  l.Randomize(6);
  l.p.clear();
  ExpectMatches(l, {.cell = RnnCell::kLstm, .input_forget = true}, {{kSigmoid, kTanh, kTanh}});
}

TEST(RecurrentTest, BatchFirstLayoutTransposesOperandsAndResults) {
  Layer l;
  l.cell = RnnCell::kLstm;
  l.Randomize(7);
  const int64_t gh = 4 * l.hidden;
  Tensor x0 = Tensor::FromVector(DType::kF32, {l.seq, l.batch, l.input}, l.x);
  std::vector<float> x1(l.x.size()), h1(l.h0.size());
  for (int64_t t = 0; t < l.seq; ++t)
    for (int64_t n = 0; n < l.batch; ++n)
      for (int64_t k = 0; k < l.input; ++k)
        x1[(n * l.seq + t) * l.input + k] = l.x[(t * l.batch + n) * l.input + k];
  for (int64_t n = 0; n < l.batch; ++n)
    for (int64_t j = 0; j < l.hidden; ++j) h1[n * l.hidden + j] = l.h0[n * l.hidden + j];
  Tensor xb = Tensor::FromVector(DType::kF32, {l.batch, l.seq, l.input}, x1);
  Tensor w = Tensor::FromVector(DType::kF32, {1, gh, l.input}, l.w);
  Tensor r = Tensor::FromVector(DType::kF32, {1, gh, l.hidden}, l.r);
  Tensor h0 = Tensor::FromVector(DType::kF32, {1, l.batch, l.hidden}, l.h0);
  Tensor hb = Tensor::FromVector(DType::kF32, {l.batch, 1, l.hidden}, h1);
  rt::Result<RecurrentResult> a =
      RecurrentLayer({.x = x0, .w = w, .r = r, .initial_h = &h0}, {.cell = RnnCell::kLstm});
  rt::Result<RecurrentResult> b = RecurrentLayer({.x = xb, .w = w, .r = r, .initial_h = &hb},
                                                 {.cell = RnnCell::kLstm, .layout = 1});
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(b->y.shape(), (Shape{l.batch, l.seq, 1, l.hidden}));
  ASSERT_EQ(b->y_h.shape(), (Shape{l.batch, 1, l.hidden}));
  for (int64_t t = 0; t < l.seq; ++t)
    for (int64_t n = 0; n < l.batch; ++n)
      for (int64_t j = 0; j < l.hidden; ++j)
        EXPECT_EQ(a->y.data<float>()[(t * l.batch + n) * l.hidden + j],
                  b->y.data<float>()[(n * l.seq + t) * l.hidden + j]);
}

TEST(RecurrentTest, RejectsMismatchedWeights) {
  Tensor x = Tensor::FromVector(DType::kF32, {1, 1, 2}, std::vector<float>{1, 2});
  Tensor w = Tensor::FromVector(DType::kF32, {1, 3, 2}, std::vector<float>(6, 0.1f));
  Tensor r = Tensor::FromVector(DType::kF32, {1, 3, 3}, std::vector<float>(9, 0.1f));
  // GRU needs 3 * hidden rows: 3 rows means hidden 1, but R says hidden 3.
  rt::Result<RecurrentResult> bad =
      RecurrentLayer({.x = x, .w = w, .r = r}, {.cell = RnnCell::kGru});
  EXPECT_FALSE(bad.ok());
  rt::Result<RecurrentResult> ok =
      RecurrentLayer({.x = x, .w = w, .r = r}, {.cell = RnnCell::kRnn});
  EXPECT_TRUE(ok.ok()) << ok.status().message();
  Tensor lens = Tensor::FromVector(DType::kI64, {1}, std::vector<int64_t>{2});
  EXPECT_FALSE(RecurrentLayer({.x = x, .w = w, .r = r, .sequence_lens = &lens}, {}).ok());
}

}  // namespace
}  // namespace kiln::ref
