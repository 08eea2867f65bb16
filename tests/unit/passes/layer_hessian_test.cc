// Layer Hessians for GPTQ (passes/quantize/layer_hessian.h): each layer's H against one
// computed here from the inputs the reference runtime gives that layer (conv patches built by
// hand: grouped, strided, padded), over several batches and in several passes.
#include "passes/quantize/layer_hessian.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::quant {
namespace {

using testing::ParseOrDie;
using testing::Values;

// conv [6, 2, 3, 3] (2 groups, stride 2, pads 1) -> reshape -> matmul [54, 4] -> gemm [3, 4]
// (trans_b).
std::string Model() {
  return "graph @g(%x: f32[N,4,5,5]) -> (f32[N,3]) {\n"
         "  %w = const @w : f32[6,2,3,3]\n"
         "  %s = const @s : i64[2]\n"
         "  %wm = const @wm : f32[54,4]\n"
         "  %wg = const @wg : f32[3,4]\n"
         "  %c = conv(%x, %w) {group=2, strides=[2,2], pads=[1,1,1,1]} : f32[N,6,3,3] "
         "loc(\"Conv\")\n"
         "  %f = reshape(%c, %s) : f32[N,54]\n"
         "  %m = matmul(%f, %wm) : f32[N,4] loc(\"MatMul\")\n"
         "  %y = gemm(%m, %wg) {trans_b=1} : f32[N,3] loc(\"Gemm\")\n"
         "  return %y\n}\nconstants {\n"
         "  @w = " +
         Values(108, 3) + "\n  @s = [-1, 54]\n  @wm = " + Values(216, 5) +
         "\n  @wg = " + Values(12, 6) + "\n}\n";
}

std::vector<std::vector<ref::Tensor>> Batches(int count) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<ref::Tensor>> batches;
  for (int b = 0; b < count; ++b) {
    std::vector<float> x(3 * 4 * 5 * 5);
    for (float& v : x) v = normal(rng);
    batches.push_back({ref::Tensor::FromVector<float>(ref::DType::kF32, {3, 4, 5, 5}, x)});
  }
  return batches;
}

const ir::Op* OpNamed(const ir::Graph& g, const std::string& name) {
  for (const ir::Op* op : g.ops()) {
    if (op->name() == name) return op;
  }
  return nullptr;
}

// 2/n * sum x x^T over rows [num_rows, k].
Eigen::MatrixXd Expected2XtX(const std::vector<std::vector<double>>& rows, int64_t k) {
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(k, k);
  for (const std::vector<double>& r : rows) {
    const Eigen::Map<const Eigen::VectorXd> x(r.data(), k);
    h += x * x.transpose();
  }
  return h * (2.0 / static_cast<double>(rows.size()));
}

// The rows each layer multiplies by its weight, from the reference runtime's values.
struct LayerRows {
  std::vector<std::vector<double>> conv[2], matmul, gemm;
};

LayerRows RowsOf(const ir::Graph& g, const std::vector<std::vector<ref::Tensor>>& batches) {
  const ir::Op* matmul = OpNamed(g, "MatMul");
  const ir::Op* gemm = OpNamed(g, "Gemm");
  std::unique_ptr<ref::Executor> exec = ref::CreateReferenceExecutor(g);
  ref::RunOptions run;
  run.fetch = {matmul->operand(0), gemm->operand(0)};
  LayerRows rows;
  for (const std::vector<ref::Tensor>& batch : batches) {
    Expected<std::vector<ref::Tensor>> out = exec->Run(batch, run);
    EXPECT_TRUE(out);
    const float* x = batch[0].data<float>();
    for (int64_t n = 0; n < 3; ++n) {
      for (int64_t group = 0; group < 2; ++group) {
        for (int64_t oh = 0; oh < 3; ++oh) {
          for (int64_t ow = 0; ow < 3; ++ow) {
            std::vector<double> patch;
            for (int64_t c = 0; c < 2; ++c) {
              for (int64_t kh = 0; kh < 3; ++kh) {
                for (int64_t kw = 0; kw < 3; ++kw) {
                  const int64_t ih = oh * 2 - 1 + kh, iw = ow * 2 - 1 + kw;
                  const bool inside = ih >= 0 && ih < 5 && iw >= 0 && iw < 5;
                  patch.push_back(inside ? x[((n * 4 + group * 2 + c) * 5 + ih) * 5 + iw] : 0.0);
                }
              }
            }
            rows.conv[group].push_back(patch);
          }
        }
      }
    }
    for (auto [t, dst, k] :
         {std::tuple{&(*out)[1], &rows.matmul, 54}, std::tuple{&(*out)[2], &rows.gemm, 4}}) {
      for (int64_t n = 0; n < 3; ++n) {
        const float* r = t->data<float>() + n * k;
        dst->push_back(std::vector<double>(r, r + k));
      }
    }
  }
  return rows;
}

void ExpectNear(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want) {
  ASSERT_EQ(got.rows(), want.rows());
  EXPECT_LE((got - want).cwiseAbs().maxCoeff(), 1e-9 * want.cwiseAbs().maxCoeff());
}

TEST(LayerHessianTest, MatchesTheRowsEachLayerMultiplies) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(Model(), ctx);
  const std::vector<std::vector<ref::Tensor>> batches = Batches(3);
  const LayerRows rows = RowsOf(*g, batches);
  const std::vector<const ir::Op*> ops = {OpNamed(*g, "Conv"), OpNamed(*g, "MatMul"),
                                          OpNamed(*g, "Gemm")};
  for (int64_t max_bytes : {int64_t{1} << 30, int64_t{1}}) {  // one pass, or one per layer
    SCOPED_TRACE("max_bytes " + std::to_string(max_bytes));
    TensorListSource source(batches);
    std::vector<std::pair<int64_t, int64_t>> progress;
    Expected<LayerHessians> h = CollectLayerHessians(
        *g, ops, source,
        {.threads = 1, .max_bytes = max_bytes, .progress = [&](int64_t done, int64_t total) {
           progress.emplace_back(done, total);
         }});
    ASSERT_TRUE(h) << h.error().message();
    const int64_t passes = max_bytes == 1 ? 3 : 1;
    ASSERT_EQ(static_cast<int64_t>(progress.size()), 3 * passes);
    EXPECT_EQ(progress.back(), std::make_pair(3 * passes, 3 * passes));

    const std::vector<HessianAccumulator>* conv = h->Find(ops[0]);
    ASSERT_NE(conv, nullptr);
    ASSERT_EQ(conv->size(), 2u);
    for (int group = 0; group < 2; ++group) {
      EXPECT_EQ((*conv)[group].count(), 3 * 3 * 9);  // batches x images x output positions
      ExpectNear((*conv)[group].hessian(), Expected2XtX(rows.conv[group], 18));
    }
    ASSERT_NE(h->Find(ops[1]), nullptr);
    ExpectNear(h->Find(ops[1])->at(0).hessian(), Expected2XtX(rows.matmul, 54));
    ASSERT_NE(h->Find(ops[2]), nullptr);
    ExpectNear(h->Find(ops[2])->at(0).hessian(), Expected2XtX(rows.gemm, 4));
  }
}

TEST(LayerHessianTest, ShapesAndErrors) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(Model(), ctx);
  Expected<HessianShape> conv = HessianShapeOf(*OpNamed(*g, "Conv"));
  ASSERT_TRUE(conv);
  EXPECT_EQ(conv->groups, 2);
  EXPECT_EQ(conv->k, 18);
  Expected<HessianShape> gemm = HessianShapeOf(*OpNamed(*g, "Gemm"));
  ASSERT_TRUE(gemm);
  EXPECT_EQ(gemm->k, 4);

  const ir::Op* matmul = OpNamed(*g, "MatMul");
  std::vector<std::vector<ref::Tensor>> bad = Batches(1);
  bad[0].push_back(bad[0][0]);
  TensorListSource source(bad);
  Expected<LayerHessians> h = CollectLayerHessians(*g, std::vector<const ir::Op*>{matmul}, source);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().message(), "calibration batch 1: 2 tensors for 1 graph inputs");
}

}  // namespace
}  // namespace kiln::quant
