// The layout pipeline on real models: mobilenet_v2 and resnet18 (torchvision architectures
// exported by tools/models/generate_test_models.py into build/models, the ctest fixture
// kiln_e2e_models) and the trained Fashion-MNIST CNN. After `optimize`, `nhwc` must make every
// conv and pool NHWC, leave the stated number of transposes, and keep the outputs on the
// reference runtime (same seeded input, relative error <= 1e-5, cosine >= 0.99999).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "frontends/onnx/importer.h"
#include "ir/layout.h"
#include "ir/verifier.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

struct ModelCase {
  std::string path;
  int transposes;  // left after `nhwc`
  int convs_and_pools;
};

void ExpectNhwcModel(const ModelCase& m) {
  SCOPED_TRACE(m.path);
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> original = ImportOnnxFile(m.path, ctx);
  ASSERT_TRUE(original.ok()) << original.error().message();
  ASSERT_TRUE(testing::RunPipelineOn(**original, "optimize").ok());
  Expected<std::unique_ptr<ir::Graph>> g = ImportOnnxFile(m.path, ctx);
  ASSERT_TRUE(g.ok());
  Status s = testing::RunPipelineOn(**g, "optimize,nhwc");
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(ir::VerifyGraph(**g).ok());

  int transposes = 0, nhwc = 0, nchw = 0;
  for (const ir::Op* op : (*g)->ops()) {
    if (op->kind() == ir::OpKind::kTranspose) {
      ++transposes;
      EXPECT_TRUE(op->operand(0)->is_input()) << "a transpose away from the model input";
    }
    if (ir::HasLayoutAttr(op->kind())) ++(ir::IsChannelsLast(*op) ? nhwc : nchw);
  }
  EXPECT_EQ(transposes, m.transposes);
  EXPECT_EQ(nhwc, m.convs_and_pools);
  EXPECT_EQ(nchw, 0);
  std::cout << m.path << ": " << transposes << " transpose(s), " << nhwc << " NHWC convs/pools, "
            << (*g)->num_ops() << " ops\n";

  testing::NumericsOptions o{.max_rel_error = 1e-5, .min_cosine = 0.99999, .dims = {{"N", 1}}};
  EXPECT_TRUE(testing::SameOutputs(**original, **g, o));
}

TEST(LayoutModelsTest, MobileNetV2) {
  // 52 convs (17 of them depthwise) and the global average pool.
  ExpectNhwcModel({KILN_TEST_MODELS_DIR "/mobilenet_v2.onnx", 1, 53});
}

TEST(LayoutModelsTest, ResNet18) {
  // 20 convs, the stem's max pool and the global average pool.
  ExpectNhwcModel({KILN_TEST_MODELS_DIR "/resnet18.onnx", 1, 22});
}

TEST(LayoutModelsTest, FashionMnistCnn) {
  // One input channel: the input's transpose is a reshape; the classifier's weights take the
  // transpose after the last pool. 2 convs, 2 max pools.
  ExpectNhwcModel({KILN_FASHION_CNN, 0, 4});
}

}  // namespace
}  // namespace kiln
