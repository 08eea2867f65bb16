#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "ir/verifier.h"
#include "runtime/reference/interpreter/executor.h"
#include "runtime/reference/interpreter/op_kernels.h"

namespace kiln::ref {
namespace {

using ir::Dim;
using ir::OpKind;
using ir::ScalarType;
using ir::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<float> Floats(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

class ReferenceExecutorTest : public ::testing::Test {
 protected:
  const ir::TensorType* F32(const std::vector<int64_t>& sizes) { return b_.F32(sizes); }
  const ir::TensorType* F32Dims(std::vector<Dim> dims) { return b_.F32(std::move(dims)); }
  const ir::TensorType* Bool() { return ctx_.GetType(ScalarType::kBool, ir::Shape()); }
  Value* BoolConstant(bool v) {
    return g_.AddConstant(
        Bool(), ir::TensorData::FromVector<uint8_t>({v ? uint8_t{1} : uint8_t{0}}), "flag");
  }

  Expected<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs, const RunOptions& o = {}) {
    Status verified = ir::VerifyGraph(g_);
    EXPECT_TRUE(verified.ok()) << verified.message();
    return CreateReferenceExecutor(g_)->Run(inputs, o);
  }

  ir::Context ctx_;
  ir::Graph g_{ctx_, "net"};
  ir::Builder b_{g_};
};

TEST_F(ReferenceExecutorTest, AddThenRelu) {
  Value* x = g_.AddInput("x", F32({2, 3}));
  Value* bias = b_.ConstantF32({3}, {1, -1, 0.5f}, "bias");
  Value* sum = b_.Create(OpKind::kAdd, {x, bias}, F32({2, 3}));
  Value* y = b_.Create(OpKind::kRelu, {sum}, F32({2, 3}));
  g_.AddOutput(y, "y");

  Tensor in = Tensor::FromVector<float>(DType::kF32, {2, 3}, {-2, 0, 1, 3, 2, -1});
  Expected<std::vector<Tensor>> out = Run({in});
  ASSERT_TRUE(out.ok()) << out.error().message();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].shape(), (Shape{2, 3}));
  EXPECT_THAT(Floats((*out)[0]), ElementsAre(0, 0, 1.5f, 4, 1, 0));
}

TEST_F(ReferenceExecutorTest, ValuesUsedSeveralTimesLiveUntilTheLastUse) {
  Value* x = g_.AddInput("x", F32({3}));
  Value* a = b_.Create(OpKind::kRelu, {x}, F32({3}));
  Value* n = b_.Create(OpKind::kNeg, {a}, F32({3}));
  Value* e = b_.Create(OpKind::kExp, {n}, F32({3}));
  Value* s = b_.Create(OpKind::kAdd, {a, e}, F32({3}));
  Value* m = b_.Create(OpKind::kMul, {s, a}, F32({3}));
  g_.AddOutput(m, "m");
  g_.AddOutput(a, "a");  // an output that is also read by later ops

  Tensor in = Tensor::FromVector<float>(DType::kF32, {3}, {-1, 0.5f, 2});
  Expected<std::vector<Tensor>> out = Run({in});
  ASSERT_TRUE(out.ok()) << out.error().message();
  const float xs[] = {-1, 0.5f, 2};
  for (int i = 0; i < 3; ++i) {
    const float av = std::max(xs[i], 0.0f);
    const float want = (av + std::exp(-av)) * av;
    EXPECT_LE(std::fabs((*out)[0].data<float>()[i] - want), 1e-6f * std::max(want, 1e-6f));
  }
  EXPECT_THAT(Floats((*out)[1]), ElementsAre(0, 0.5f, 2));
}

TEST_F(ReferenceExecutorTest, OutputsMayBeInputsOrConstants) {
  Value* x = g_.AddInput("x", F32({2}));
  Value* c = b_.ConstantF32({2}, {7, 8}, "c");
  g_.AddOutput(x, "x_out");
  g_.AddOutput(c, "c_out");
  Tensor in = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  Expected<std::vector<Tensor>> out = Run({in});
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_THAT(Floats((*out)[0]), ElementsAre(1, 2));
  EXPECT_THAT(Floats((*out)[1]), ElementsAre(7, 8));
}

TEST_F(ReferenceExecutorTest, FetchAndObserveIntermediates) {
  Value* x = g_.AddInput("x", F32({2}));
  ir::Op* add = b_.CreateOp(OpKind::kAdd, {x, x}, {F32({2})});
  add->set_name("double");
  Value* y = b_.Create(OpKind::kNeg, {add->result(0)}, F32({2}));
  g_.AddOutput(y, "y");

  std::vector<std::pair<const Value*, std::vector<float>>> seen;
  RunOptions o;
  o.observer = [&](const Value& v, const Tensor& t) { seen.push_back({&v, Floats(t)}); };
  o.fetch = {add->result(0), x};
  Tensor in = Tensor::FromVector<float>(DType::kF32, {2}, {1, -3});
  Expected<std::vector<Tensor>> out = Run({in}, o);
  ASSERT_TRUE(out.ok()) << out.error().message();
  ASSERT_EQ(out->size(), 3u);
  EXPECT_THAT(Floats((*out)[0]), ElementsAre(-2, 6));
  EXPECT_THAT(Floats((*out)[1]), ElementsAre(2, -6));  // fetched although already consumed
  EXPECT_THAT(Floats((*out)[2]), ElementsAre(1, -3));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, add->result(0));
  EXPECT_THAT(seen[0].second, ElementsAre(2, -6));
  EXPECT_EQ(seen[1].first, y);
  EXPECT_THAT(seen[1].second, ElementsAre(-2, 6));
}

TEST_F(ReferenceExecutorTest, FetchOfAValueOutsideTheGraphFails) {
  Value* x = g_.AddInput("x", F32({1}));
  g_.AddOutput(x);
  ir::Graph other(ctx_, "other");
  Value* foreign = other.AddInput("z", F32({1}));
  RunOptions o;
  o.fetch = {foreign};
  Expected<std::vector<Tensor>> out = Run({Tensor::FromVector<float>(DType::kF32, {1}, {1})}, o);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(), "fetch 0 is not a value of the top-level graph");
}

// if (cond) { relu(x) } else { x * k - 1 } where k is a constant of the else branch.
ir::Op* BuildIf(ir::Graph& g, ir::Builder& b, Value* cond, Value* x) {
  const ir::TensorType* t = x->type();
  ir::Op* if_op = b.CreateOp(OpKind::kIf, {cond}, {t});
  if_op->set_name("branch");
  ir::Graph& then_g = if_op->AddRegion("then");
  ir::Graph& else_g = if_op->AddRegion("else");
  ir::Builder tb(then_g);
  then_g.AddOutput(tb.Create(OpKind::kRelu, {x}, t));
  ir::Builder eb(else_g);
  Value* k = eb.ConstantF32({}, {10}, "k");
  Value* one = eb.ConstantF32({}, {1}, "one");
  Value* scaled = eb.Create(OpKind::kMul, {x, k}, t);
  else_g.AddOutput(eb.Create(OpKind::kSub, {scaled, one}, t));
  (void)g;
  return if_op;
}

TEST_F(ReferenceExecutorTest, IfWithAConstantCondition) {
  for (bool flag : {true, false}) {
    ir::Context ctx;
    ir::Graph g(ctx, "net");
    ir::Builder b(g);
    Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{2}));
    Value* cond = g.AddConstant(ctx.GetType(ScalarType::kBool, ir::Shape()),
                                ir::TensorData::FromVector<uint8_t>({flag}), "flag");
    g.AddOutput(BuildIf(g, b, cond, x)->result(0), "y");
    ASSERT_TRUE(ir::VerifyGraph(g).ok()) << ir::VerifyGraph(g).message();
    Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g)->Run(
        std::vector<Tensor>{Tensor::FromVector<float>(DType::kF32, {2}, {-1, 2})});
    ASSERT_TRUE(out.ok()) << out.error().message();
    if (flag) {
      EXPECT_THAT(Floats((*out)[0]), ElementsAre(0, 2));
    } else {
      EXPECT_THAT(Floats((*out)[0]), ElementsAre(-11, 19));
    }
  }
}

TEST_F(ReferenceExecutorTest, IfWithAComputedConditionReadsOuterIntermediates) {
  Value* x = g_.AddInput("x", F32({2}));
  Value* limit = g_.AddInput("limit", F32({}));
  // The branches read `shifted`, an intermediate whose last use is inside the regions.
  Value* shifted = b_.Create(OpKind::kAdd, {x, limit}, F32({2}));
  Value* zero = b_.ConstantF32({}, {0}, "zero");
  Value* cond = b_.Create(OpKind::kGreater, {limit, zero}, Bool());
  ir::Op* if_op = BuildIf(g_, b_, cond, shifted);
  g_.AddOutput(if_op->result(0), "y");

  Tensor xin = Tensor::FromVector<float>(DType::kF32, {2}, {-5, 2});
  std::vector<const Value*> observed;
  RunOptions o;
  o.observer = [&](const Value& v, const Tensor&) { observed.push_back(&v); };
  Expected<std::vector<Tensor>> pos =
      Run({xin, Tensor::FromVector<float>(DType::kF32, {}, {1})}, o);
  ASSERT_TRUE(pos.ok()) << pos.error().message();
  EXPECT_THAT(Floats((*pos)[0]), ElementsAre(0, 3));  // relu(x + 1)
  // Only top-level results are observed, not the ops inside the taken branch.
  EXPECT_THAT(observed, ElementsAre(shifted, cond, if_op->result(0)));

  Expected<std::vector<Tensor>> neg = Run({xin, Tensor::FromVector<float>(DType::kF32, {}, {-1})});
  ASSERT_TRUE(neg.ok()) << neg.error().message();
  EXPECT_THAT(Floats((*neg)[0]), ElementsAre(-61, 9));  // (x - 1) * 10 - 1
}

TEST_F(ReferenceExecutorTest, ErrorsInsideARegionNameBothNodes) {
  Value* x = g_.AddInput("x", F32({2}));
  Value* cond = BoolConstant(true);
  ir::Op* if_op = b_.CreateOp(OpKind::kIf, {cond}, {F32({2})});
  if_op->set_name("choose");
  ir::Graph& then_g = if_op->AddRegion("then");
  ir::Graph& else_g = if_op->AddRegion("else");
  ir::Builder tb(then_g);
  // Unverified on purpose: a [3] constant does not broadcast with x.
  Value* c = tb.ConstantF32({3}, {1, 2, 3}, "c");
  ir::Op* add = tb.CreateOp(OpKind::kAdd, {x, c}, {F32({2})});
  add->set_name("bad_add");
  then_g.AddOutput(add->result(0));
  else_g.AddOutput(x);
  g_.AddOutput(if_op->result(0));
  Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g_)->Run(
      std::vector<Tensor>{Tensor::FromVector<float>(DType::kF32, {2}, {1, 2})});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(),
            "node 'choose' (if): node 'bad_add' (add): operand 1 has shape [3], which does not "
            "broadcast with operand 0's [2]");
}

TEST_F(ReferenceExecutorTest, IfConditionMustBeOneBool) {
  Value* x = g_.AddInput("x", F32({2}));
  Value* cond = g_.AddInput("c", ctx_.GetType(ScalarType::kBool, ir::Shape({Dim::Symbol("N")})));
  g_.AddOutput(BuildIf(g_, b_, cond, x)->result(0));
  Tensor xin = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  Tensor two = Tensor::FromVector<uint8_t>(DType::kBool, {2}, {1, 0});
  Expected<std::vector<Tensor>> out = Run({xin, two});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(),
            "node 'branch' (if): the condition must be one bool, got bool[2]");
}

TEST_F(ReferenceExecutorTest, KernelErrorsNameTheNode) {
  Value* x = g_.AddInput("x", F32({2, 3}));
  Value* y = g_.AddInput("y", F32Dims({Dim::Symbol("K")}));
  Value* sum = b_.Create(OpKind::kAdd, {x, y}, F32({2, 3}));
  sum->set_name("sum");  // the op has no name: its first result's is used
  g_.AddOutput(sum);
  Tensor xin = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor yin = Tensor::FromVector<float>(DType::kF32, {4}, {1, 2, 3, 4});
  Expected<std::vector<Tensor>> out = Run({xin, yin});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(),
            "node 'sum' (add): operand 1 has shape [4], which does not broadcast with operand "
            "0's [2,3]");
}

TEST_F(ReferenceExecutorTest, ResultDTypeMustMatchTheIRType) {
  Value* x = g_.AddInput("x", F32({2}));
  // Unverified on purpose: relu's result claims i32.
  ir::Op* relu =
      b_.CreateOp(OpKind::kRelu, {x}, {ctx_.GetType(ScalarType::kI32, ir::Shape::Static({2}))});
  relu->set_name("r");
  g_.AddOutput(relu->result(0));
  Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g_)->Run(
      std::vector<Tensor>{Tensor::FromVector<float>(DType::kF32, {2}, {1, 2})});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(),
            "node 'r' (relu): the kernel produced f32 for result 0, whose type is i32[2]");
}

// The promise: the reference runtime executes every op of ir/ops.def.
TEST_F(ReferenceExecutorTest, EveryOpKindHasAKernel) {
  OpKernelTable table;
  RegisterAllOpKernels(table);
  for (OpKind k : ir::kAllOpKinds) {
    if (k == OpKind::kIf) continue;  // run by the executor itself
    EXPECT_NE(table.Find(k), nullptr) << ir::OpKindName(k) << " has no reference kernel";
  }
}

TEST_F(ReferenceExecutorTest, InputValidation) {
  Value* x = g_.AddInput("x", F32({1, 3, 224, 224}));
  Value* s = g_.AddInput("s", F32Dims({Dim::Symbol("N"), Dim(2)}));
  g_.AddOutput(x);
  g_.AddOutput(s);
  std::unique_ptr<Executor> ex = CreateReferenceExecutor(g_);
  Tensor good_x = *Tensor::Zeros(DType::kF32, {1, 3, 224, 224});
  Tensor good_s = *Tensor::Zeros(DType::kF32, {5, 2});

  auto error = [&](std::vector<Tensor> inputs) {
    Expected<std::vector<Tensor>> out = ex->Run(inputs);
    return out.ok() ? std::string("ok") : out.error().message();
  };
  EXPECT_EQ(error({good_x, good_s}), "ok");
  EXPECT_EQ(error({good_x}), "expected 2 inputs, got 1");
  EXPECT_EQ(error({*Tensor::Zeros(DType::kF32, {1, 3, 224}), good_s}),
            "input 'x': expected shape [1,3,224,224], got [1,3,224]");
  EXPECT_EQ(error({*Tensor::Zeros(DType::kF32, {1, 3, 224, 225}), good_s}),
            "input 'x': expected shape [1,3,224,224], got [1,3,224,225]");
  EXPECT_EQ(error({*Tensor::Zeros(DType::kF16, {1, 3, 224, 224}), good_s}),
            "input 'x': expected f32, got f16");
  EXPECT_EQ(error({good_x, *Tensor::Zeros(DType::kF32, {7, 2})}), "ok");  // N is symbolic
  EXPECT_EQ(error({good_x, *Tensor::Zeros(DType::kF32, {7, 3})}),
            "input 's': expected shape [N,2], got [7,3]");
}

TEST_F(ReferenceExecutorTest, ConstantWithoutDataFailsWhenRead) {
  Value* x = g_.AddInput("x", F32({2}));
  Value* c = g_.AddConstant(F32({2}), nullptr, "elided");
  c->set_name("w");
  g_.AddOutput(b_.Create(OpKind::kAdd, {x, c}, F32({2}), {}));
  g_.output(0)->set_name("out");
  Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g_)->Run(
      std::vector<Tensor>{Tensor::FromVector<float>(DType::kF32, {2}, {1, 2})});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(),
            "node 'out' (add): operand 1 is constant 'w', which cannot be used: its data is not "
            "loaded");
}

TEST_F(ReferenceExecutorTest, ThreadsGiveTheSameResult) {
  const int64_t n = 1 << 17;
  Value* x = g_.AddInput("x", F32({n}));
  Value* h = b_.Create(OpKind::kSigmoid, {x}, F32({n}));
  g_.AddOutput(b_.Create(OpKind::kMul, {x, h}, F32({n})));
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(i % 200) / 10.0f - 10.0f;
  Tensor in = Tensor::FromVector<float>(DType::kF32, {n}, v);
  std::unique_ptr<Executor> ex = CreateReferenceExecutor(g_);
  RunOptions o1, o4;
  o4.threads = 4;
  Expected<std::vector<Tensor>> one = ex->Run(std::vector<Tensor>{in}, o1);
  Expected<std::vector<Tensor>> four = ex->Run(std::vector<Tensor>{in}, o4);
  ASSERT_TRUE(one.ok() && four.ok());
  EXPECT_EQ(Floats((*one)[0]), Floats((*four)[0]));
}

}  // namespace
}  // namespace kiln::ref
