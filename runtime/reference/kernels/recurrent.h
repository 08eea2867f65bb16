// ONNX's recurrent layers RNN, GRU and LSTM (opset 14): one loop over the sequence, in one or
// both directions, whose cell is chosen by `RecurrentParams::cell`. Matrix products go through
// GemmRowMajor; gate activations are RnnActivation (kernels/rnn_activation.h).
//
//   RecurrentParams p{.cell = RnnCell::kLstm, .direction = RnnDirection::kBidirectional};
//   rt::Result<RecurrentResult> r = RecurrentLayer({.x = x, .w = w, .r = r_weights}, p);
//   Tensor y = r->y;   // [seq, 2, batch, hidden]
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"
#include "runtime/reference/kernels/rnn_activation.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class RnnCell { kRnn, kGru, kLstm };
enum class RnnDirection { kForward, kReverse, kBidirectional };

// "forward", "reverse" or "bidirectional" (empty: forward).
rt::Result<RnnDirection> ParseRnnDirection(std::string_view name);
// Gates per cell (1, 3, 4) and activation functions per direction (1, 2, 3).
int RnnGateCount(RnnCell cell);
int RnnActivationCount(RnnCell cell);

struct RecurrentParams {
  RnnCell cell = RnnCell::kRnn;
  RnnDirection direction = RnnDirection::kForward;
  int64_t hidden_size = 0;  // 0: taken from R
  int layout = 0;           // 0: X [seq, batch, input]; 1: X [batch, seq, input]
  // RnnActivationCount(cell) functions per direction, forward first; empty means ONNX's
  // defaults (RNN: Tanh; GRU: Sigmoid, Tanh; LSTM: Sigmoid, Tanh, Tanh). One direction's
  // worth for a bidirectional layer serves both.
  std::vector<RnnActivation> activations{};
  std::optional<float> clip{};       // gate pre-activations are clamped to [-clip, clip]
  bool linear_before_reset = false;  // GRU
  bool input_forget = false;         // LSTM: f = 1 - i
};

// The operands in ONNX's order; the optional ones may be null. Shapes for layout 0 (layout 1
// swaps the first two dims of x, initial_h and initial_c):
//   x [seq, batch, input], w [dirs, gates*hidden, input], r [dirs, gates*hidden, hidden],
//   b [dirs, 2*gates*hidden], sequence_lens [batch] (i32 or i64), initial_h and initial_c
//   [dirs, batch, hidden], p [dirs, 3*hidden] (LSTM peepholes, order i, o, f).
struct RecurrentInputs {
  const Tensor& x;
  const Tensor& w;
  const Tensor& r;
  const Tensor* b = nullptr;
  const Tensor* sequence_lens = nullptr;
  const Tensor* initial_h = nullptr;
  const Tensor* initial_c = nullptr;
  const Tensor* p = nullptr;
};

// y [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden]); y_h and y_c (LSTM only)
// [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]). Steps past a batch entry's sequence
// length are zero in y, and y_h / y_c hold the state after its last valid step.
struct RecurrentResult {
  Tensor y;
  Tensor y_h;
  Tensor y_c;
};

// f32 tensors.
rt::Result<RecurrentResult> RecurrentLayer(const RecurrentInputs& in, const RecurrentParams& p,
                                           int threads = 1);

}  // namespace kiln::ref
