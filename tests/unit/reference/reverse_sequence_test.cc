#include "runtime/reference/kernels/reverse_sequence.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace kiln::ref {
namespace {

// y[t, b, f] = x[len_b - 1 - t, b, f] for t < len_b, else x[t, b, f]; and the same with the
// batch first. Checked element by element with a trailing feature dim.
TEST(ReverseSequenceTest, ReversesEachBatchEntrysPrefix) {
  std::vector<int32_t> lens = {4, 1, 0, 2};
  Tensor seq = Tensor::FromVector<int32_t>(DType::kI32, {4}, lens);
  std::vector<int16_t> v(4 * 4 * 2);
  std::iota(v.begin(), v.end(), 0);
  Tensor x = Tensor::FromVector<int16_t>(DType::kI16, {4, 4, 2}, v);
  for (int batch_axis : {0, 1}) {
    int time_axis = 1 - batch_axis;
    rt::Result<Tensor> y = ReverseSequence(x, seq, batch_axis, time_axis);
    ASSERT_TRUE(y.ok()) << y.status().message();
    auto at = [&](int b, int t, int f) {
      return ((batch_axis == 0 ? b * 4 + t : t * 4 + b) * 2) + f;
    };
    for (int b = 0; b < 4; ++b) {
      for (int t = 0; t < 4; ++t) {
        int from = t < lens[b] ? lens[b] - 1 - t : t;
        for (int f = 0; f < 2; ++f) {
          EXPECT_EQ(y->data<int16_t>()[at(b, t, f)], v[at(b, from, f)])
              << "batch_axis " << batch_axis << " b " << b << " t " << t;
        }
      }
    }
  }
}

TEST(ReverseSequenceTest, Errors) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, 2, 3, 4});
  Tensor seq = Tensor::FromVector<int64_t>(DType::kI64, {2}, {1, 2});
  EXPECT_FALSE(ReverseSequence(x, seq, 0, 0).ok());
  EXPECT_FALSE(ReverseSequence(x, Tensor::FromVector<int64_t>(DType::kI64, {1}, {1}), 1, 0).ok());
  EXPECT_FALSE(
      ReverseSequence(x, Tensor::FromVector<int64_t>(DType::kI64, {2}, {3, 1}), 1, 0).ok());
}

}  // namespace
}  // namespace kiln::ref
