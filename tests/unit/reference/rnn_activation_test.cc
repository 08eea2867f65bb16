#include "runtime/reference/kernels/rnn_activation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace kiln::ref {
namespace {

// Relative error with a floor so values near zero compare absolutely at 1e-6 scale.
double RelErr(double got, double want) {
  return std::abs(got - want) / std::max(std::abs(want), 1e-6);
}

TEST(RnnActivationTest, AppliesEveryFunction) {
  struct Case {
    const char* name;
    float alpha, beta;
    double (*want)(double);
  };
  const Case cases[] = {
      {"Relu", 0, 0, [](double x) { return x > 0 ? x : 0; }},
      {"Tanh", 0, 0, [](double x) { return std::tanh(x); }},
      {"Sigmoid", 0, 0, [](double x) { return 1 / (1 + std::exp(-x)); }},
      {"Affine", 2, 0.5, [](double x) { return 2 * x + 0.5; }},
      {"LeakyRelu", 0.1f, 0, [](double x) { return x < 0 ? 0.1 * x : x; }},
      {"ThresholdedRelu", 0.5f, 0, [](double x) { return x > 0.5 ? x : 0; }},
      {"ScaledTanh", 2, 0.5, [](double x) { return 2 * std::tanh(0.5 * x); }},
      {"HardSigmoid", 0.2f, 0.5,
       [](double x) { return std::max(0.0, std::min(1.0, 0.2 * x + 0.5)); }},
      {"Elu", 1.5f, 0, [](double x) { return x < 0 ? 1.5 * (std::exp(x) - 1) : x; }},
      {"Softsign", 0, 0, [](double x) { return x / (1 + std::abs(x)); }},
      {"Softplus", 0, 0, [](double x) { return std::log(1 + std::exp(x)); }},
  };
  for (const Case& c : cases) {
    rt::Result<RnnActivation> f = MakeRnnActivation(c.name, c.alpha, c.beta);
    ASSERT_TRUE(f.ok()) << c.name;
    for (double x : {-3.0, -0.7, -0.1, 0.3, 0.6, 2.5}) {
      // HardSigmoid's alpha is stored as float, so compare at float precision.
      EXPECT_LT(RelErr(f->Apply(x), c.want(x)), 1e-6) << c.name << " at " << x;
      EXPECT_LT(RelErr(f->Apply(static_cast<float>(x)), c.want(x)), 1e-5) << c.name;
    }
  }
}

TEST(RnnActivationTest, SigmoidAndSoftplusStayFiniteForLargeInputs) {
  rt::Result<RnnActivation> sigmoid = MakeRnnActivation("Sigmoid", {}, {});
  rt::Result<RnnActivation> softplus = MakeRnnActivation("Softplus", {}, {});
  EXPECT_EQ(sigmoid->Apply(-1000.0f), 0.0f);
  EXPECT_EQ(sigmoid->Apply(1000.0f), 1.0f);
  EXPECT_LT(RelErr(softplus->Apply(1000.0), 1000.0), 1e-12);
}

TEST(RnnActivationTest, NamesAreCaseInsensitiveAndDefaultsApply) {
  rt::Result<RnnActivation> f = MakeRnnActivation("leakyrelu", {}, {});
  ASSERT_TRUE(f.ok());
  EXPECT_FLOAT_EQ(f->Apply(-1.0f), -0.01f);
  rt::Result<RnnActivation> h = MakeRnnActivation("HARDSIGMOID", {}, {});
  ASSERT_TRUE(h.ok());
  EXPECT_FLOAT_EQ(h->Apply(1.0f), 0.7f);
  EXPECT_EQ(RnnActivationParamCount("Tanh"), 0);
  EXPECT_EQ(RnnActivationParamCount("Elu"), 1);
  EXPECT_EQ(RnnActivationParamCount("Affine"), 2);
  EXPECT_EQ(RnnActivationParamCount("Swish"), -1);
}

TEST(RnnActivationTest, ListConsumesAlphasAndBetasInOrder) {
  const std::vector<std::string> names = {"Tanh", "LeakyRelu", "ScaledTanh", "Elu"};
  const std::vector<float> alphas = {0.5f, 3.0f, 0.25f};
  const std::vector<float> betas = {2.0f};
  rt::Result<std::vector<RnnActivation>> fs = ParseRnnActivations(names, alphas, betas);
  ASSERT_TRUE(fs.ok()) << fs.status().message();
  ASSERT_EQ(fs->size(), 4u);
  EXPECT_EQ((*fs)[1].alpha, 0.5f);  // LeakyRelu takes the first alpha
  EXPECT_EQ((*fs)[2].alpha, 3.0f);  // ScaledTanh the second and the first beta
  EXPECT_EQ((*fs)[2].beta, 2.0f);
  EXPECT_EQ((*fs)[3].alpha, 0.25f);
}

TEST(RnnActivationTest, RejectsUnknownName) {
  const std::vector<std::string> names = {"Sigmoid", "Gelu"};
  rt::Result<std::vector<RnnActivation>> fs = ParseRnnActivations(names, {}, {});
  ASSERT_FALSE(fs.ok());
  EXPECT_NE(fs.status().message().find("Gelu"), std::string::npos);
}

}  // namespace
}  // namespace kiln::ref
