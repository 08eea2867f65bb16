// The vision op kernels read attributes, defaults and optional operands; the arithmetic is
// covered by lrn_test.cc, max_unpool_test.cc, grid_sample_test.cc, roi_align_test.cc and
// non_max_suppression_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ir/builder.h"
#include "ir/context.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

class VisionOpsTest : public ::testing::Test {
 protected:
  VisionOpsTest() { RegisterVisionOps(table_); }
  Status Run(const ir::Op& op, const std::vector<const Tensor*>& operands) {
    results_.assign(op.num_results(), Tensor());
    OpKernelContext ctx{op, operands, results_, 1};
    return table_.Find(op.kind())(ctx);
  }
  static Tensor F32(const Shape& shape, std::vector<float> v) {
    return Tensor::FromVector(DType::kF32, shape, v);
  }
  static Tensor I64(const Shape& shape, std::vector<int64_t> v) {
    return Tensor::FromVector(DType::kI64, shape, v);
  }
  ir::Value* Input(const char* name, ir::ScalarType t, const std::vector<int64_t>& shape) {
    return g_.AddInput(name, b_.Type(t, shape));
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_};
  ir::Builder b_{g_};
  OpKernelTable table_;
  std::vector<Tensor> results_;
};

TEST_F(VisionOpsTest, LrnDefaultsAlphaBetaBias) {
  ir::Value* x = Input("x", ir::ScalarType::kF32, {1, 2});
  ir::AttrMap attrs;
  attrs.Set("size", int64_t{2});
  ir::Op* op = b_.CreateOp(ir::OpKind::kLRN, {x}, {b_.F32({1, 2})}, attrs);
  Tensor xt = F32({1, 2}, {3.0f, 4.0f});
  Status s = Run(*op, {&xt});
  ASSERT_TRUE(s.ok()) << s.message();
  // Channel 0 sees channels 0 and 1: 3 / (1 + 1e-4 / 2 * 25)^0.75.
  const double want = 3.0 / std::pow(1.0 + 1e-4 / 2 * 25, 0.75);
  EXPECT_LT(std::abs(results_[0].data<float>()[0] - want) / want, 1e-6);
}

TEST_F(VisionOpsTest, MaxUnpoolWithAndWithoutOutputShape) {
  ir::Value* x = Input("x", ir::ScalarType::kF32, {1, 1, 2});
  ir::Value* i = Input("i", ir::ScalarType::kI64, {1, 1, 2});
  ir::Value* shape = Input("shape", ir::ScalarType::kI64, std::vector<int64_t>{3});
  ir::AttrMap attrs;
  attrs.Set("kernel_shape", std::vector<int64_t>{2});
  attrs.Set("strides", std::vector<int64_t>{2});
  Tensor xt = F32({1, 1, 2}, {7, 9}), it = I64({1, 1, 2}, {1, 2}), st = I64({3}, {1, 1, 5});
  ir::Op* plain = b_.CreateOp(ir::OpKind::kMaxUnpool, {x, i}, {b_.F32({1, 1, 4})}, attrs);
  ASSERT_TRUE(Run(*plain, {&xt, &it}).ok());
  EXPECT_EQ(results_[0].shape(), (Shape{1, 1, 4}));
  ir::Op* shaped = b_.CreateOp(ir::OpKind::kMaxUnpool, {x, i, shape}, {b_.F32({1, 1, 5})}, attrs);
  ASSERT_TRUE(Run(*shaped, {&xt, &it, &st}).ok());
  EXPECT_EQ(std::vector<float>(results_[0].data<float>(), results_[0].data<float>() + 5),
            (std::vector<float>{0, 7, 9, 0, 0}));
}

TEST_F(VisionOpsTest, GridSampleReadsModeAndRejectsUnknownOne) {
  ir::Value* x = Input("x", ir::ScalarType::kF32, {1, 1, 1, 2});
  ir::Value* g = Input("g", ir::ScalarType::kF32, {1, 1, 1, 2});
  Tensor xt = F32({1, 1, 1, 2}, {2, 4}), gt = F32({1, 1, 1, 2}, {0.2f, 0});
  ir::AttrMap attrs;
  attrs.Set("align_corners", int64_t{1});
  ir::Op* bilinear = b_.CreateOp(ir::OpKind::kGridSample, {x, g}, {b_.F32({1, 1, 1, 1})}, attrs);
  ASSERT_TRUE(Run(*bilinear, {&xt, &gt}).ok());
  EXPECT_FLOAT_EQ(results_[0].data<float>()[0], 3.2f);  // pixel 0.6 of [2, 4]
  attrs.Set("mode", std::string("nearest"));
  ir::Op* nearest = b_.CreateOp(ir::OpKind::kGridSample, {x, g}, {b_.F32({1, 1, 1, 1})}, attrs);
  ASSERT_TRUE(Run(*nearest, {&xt, &gt}).ok());
  EXPECT_FLOAT_EQ(results_[0].data<float>()[0], 4.0f);
  attrs.Set("mode", std::string("linear"));
  ir::Op* bad = b_.CreateOp(ir::OpKind::kGridSample, {x, g}, {b_.F32({1, 1, 1, 1})}, attrs);
  Status s = Run(*bad, {&xt, &gt});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("linear"));
}

TEST_F(VisionOpsTest, RoiAlignDefaultsToOneBinHalfPixel) {
  ir::Value* x = Input("x", ir::ScalarType::kF32, {1, 1, 2, 2});
  ir::Value* rois = Input("rois", ir::ScalarType::kF32, {1, 4});
  ir::Value* batch = Input("batch", ir::ScalarType::kI64, std::vector<int64_t>{1});
  ir::Op* op = b_.CreateOp(ir::OpKind::kRoiAlign, {x, rois, batch}, {b_.F32({1, 1, 1, 1})});
  Tensor xt = F32({1, 1, 2, 2}, {1, 2, 3, 4}), rt_ = F32({1, 4}, {0.5f, 0.5f, 1.5f, 1.5f});
  Tensor bt = I64({1}, {0});
  Status s = Run(*op, {&xt, &rt_, &bt});
  ASSERT_TRUE(s.ok()) << s.message();
  // half_pixel shifts the box to [0, 1]^2; its one bin's centre (0.5, 0.5) averages all four.
  EXPECT_FLOAT_EQ(results_[0].data<float>()[0], 2.5f);
}

TEST_F(VisionOpsTest, NonMaxSuppressionOptionalOperands) {
  ir::Value* boxes = Input("boxes", ir::ScalarType::kF32, {1, 2, 4});
  ir::Value* scores = Input("scores", ir::ScalarType::kF32, {1, 1, 2});
  ir::Value* max = Input("max", ir::ScalarType::kI64, std::vector<int64_t>{1});
  ir::Value* iou = Input("iou", ir::ScalarType::kF32, std::vector<int64_t>{1});
  const ir::TensorType* out = b_.Type(ir::ScalarType::kI64, {2, 3});
  Tensor bt = F32({1, 2, 4}, {0, 0, 1, 1, 0, 0, 1, 1}), st = F32({1, 1, 2}, {0.4f, 0.6f});
  Tensor mt = I64({1}, {5}), it = F32({1}, {0.5f});
  // Without max_output_boxes_per_class nothing is selected.
  ir::Op* none = b_.CreateOp(ir::OpKind::kNonMaxSuppression, {boxes, scores}, {out});
  ASSERT_TRUE(Run(*none, {&bt, &st}).ok());
  EXPECT_EQ(results_[0].shape(), (Shape{0, 3}));
  // Identical boxes: the better one suppresses the other.
  ir::Op* op = b_.CreateOp(ir::OpKind::kNonMaxSuppression, {boxes, scores, max, iou}, {out});
  Status s = Run(*op, {&bt, &st, &mt, &it});
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(std::vector<int64_t>(results_[0].data<int64_t>(), results_[0].data<int64_t>() + 3),
            (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(results_[0].shape(), (Shape{1, 3}));
}

}  // namespace
}  // namespace kiln::ref
