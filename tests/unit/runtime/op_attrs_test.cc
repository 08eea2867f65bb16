#include "runtime/core/op_attrs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/core/artifact.h"
#include "tests/unit/runtime/artifact_test_builder.h"

namespace kiln::rt {
namespace {

using ::testing::ElementsAre;

// TinyModel's ops through a loaded artifact: MatMul_0 {alpha: float, trans_b: int}, Add_1
// {axes: ints, coeffs: floats, mode: string, tags: strings}, Relu_2 {}.
class OpAttrsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::ModelSpec spec = test::TinyModel();
    spec.ops[2].attrs = {test::StringAttr("empty", "")};
    spec.ops[2].attrs[0].s.reset();
    Result<std::unique_ptr<Artifact>> a =
        Artifact::FromBytes(test::BuildArtifact(spec), "m.kiln", "");
    ASSERT_TRUE(a.ok()) << a.status().message();
    artifact_ = std::move(*a);
  }
  OpAttrs Attrs(int op) const { return OpAttrs(*artifact_->model().ops()->Get(op)); }

  std::unique_ptr<Artifact> artifact_;
};

TEST_F(OpAttrsTest, ReadsEveryKind) {
  OpAttrs matmul = Attrs(0);
  EXPECT_TRUE(matmul.Has("alpha"));
  EXPECT_FALSE(matmul.Has("beta"));
  EXPECT_EQ(*matmul.Float("alpha"), 1.0);
  EXPECT_EQ(*matmul.Int("trans_b"), 0);
  OpAttrs add = Attrs(1);
  EXPECT_THAT(*add.Ints("axes"), ElementsAre(1));
  EXPECT_THAT(*add.Floats("coeffs"), ElementsAre(1.0, 2.0));
  EXPECT_EQ(*add.String("mode"), "numpy");
  EXPECT_THAT(*add.Strings("tags"), ElementsAre("a", "b"));
  // A string attribute without its field reads as "".
  EXPECT_EQ(*Attrs(2).String("empty"), "");
}

TEST_F(OpAttrsTest, FallbacksOnlyReplaceAbsentAttributes) {
  OpAttrs add = Attrs(1);
  EXPECT_EQ(*add.Int("group", 1), 1);
  EXPECT_EQ(*add.Float("epsilon", 1e-5), 1e-5);
  EXPECT_EQ(*add.String("auto_pad", "NOTSET"), "NOTSET");
  EXPECT_THAT(*add.Ints("pads", {0, 0}), ElementsAre(0, 0));
  EXPECT_THAT(*add.Floats("scales", {2.0}), ElementsAre(2.0));
  EXPECT_THAT(*add.Strings("names", {"n"}), ElementsAre("n"));
  // Present: the value, not the fallback.
  EXPECT_THAT(*add.Ints("axes", {7}), ElementsAre(1));
  EXPECT_EQ(*add.String("mode", "x"), "numpy");
  EXPECT_EQ(*Attrs(0).Int("trans_b", 5), 0);
  // Present with another kind: an error even with a fallback.
  Result<int64_t> wrong = add.Int("coeffs", 3);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(),
            "op 'Add_1' (add): attribute 'coeffs' is floats, expected int");
}

TEST_F(OpAttrsTest, ErrorsNameTheOpTheAttributeAndBothKinds) {
  OpAttrs add = Attrs(1);
  EXPECT_EQ(add.Int("axes").status().message(),
            "op 'Add_1' (add): attribute 'axes' is ints, expected int");
  EXPECT_EQ(add.Float("mode").status().message(),
            "op 'Add_1' (add): attribute 'mode' is string, expected float");
  EXPECT_EQ(add.Strings("mode").status().message(),
            "op 'Add_1' (add): attribute 'mode' is string, expected strings");
  EXPECT_EQ(add.Floats("tags").status().message(),
            "op 'Add_1' (add): attribute 'tags' is strings, expected floats");
  EXPECT_EQ(add.Ints("group").status().message(),
            "op 'Add_1' (add): attribute 'group' is missing (expected ints)");
  EXPECT_EQ(Attrs(2).Int("axis").status().message(),
            "op 'Relu_2' (relu): attribute 'axis' is missing (expected int)");
}

TEST_F(OpAttrsTest, OpWithoutAttributes) {
  test::ModelSpec spec = test::TinyModel();
  Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(test::BuildArtifact(spec), "m", "");
  ASSERT_TRUE(a.ok());
  OpAttrs relu(*(*a)->model().ops()->Get(2));  // the builder writes no attrs vector here
  EXPECT_FALSE(relu.Has("alpha"));
  EXPECT_EQ(*relu.Float("alpha", 0.5), 0.5);
  EXPECT_FALSE(relu.Float("alpha").ok());
}

TEST_F(OpAttrsTest, FindsEachOfManySortedAttributes) {
  test::ModelSpec spec = test::TinyModel();
  spec.ops[2].attrs.clear();
  for (int i = 0; i < 200; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "a%03d", i);
    spec.ops[2].attrs.push_back(test::IntAttr(name, i * 3));
  }
  Result<std::unique_ptr<Artifact>> a = Artifact::FromBytes(test::BuildArtifact(spec), "m", "");
  ASSERT_TRUE(a.ok()) << a.status().message();
  OpAttrs relu(*(*a)->model().ops()->Get(2));
  for (int i = 0; i < 200; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "a%03d", i);
    ASSERT_EQ(*relu.Int(name), i * 3) << name;
  }
  EXPECT_FALSE(relu.Has("a200"));
  EXPECT_FALSE(relu.Has("a"));
  EXPECT_FALSE(relu.Has(""));
}

}  // namespace
}  // namespace kiln::rt
