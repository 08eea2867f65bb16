// The C API seen from C++: the header declares every function noexcept inside extern "C", and
// running through the C API gives the same bytes as the runtime's own C++ model on the same
// artifact, across batch changes (the C layer adds nothing to the numbers). Built once per
// runtime: against kiln_runtime_c and CloudModel, and with KILN_CAPI_EDGE against libkiln_edge.so
// and EdgeModel (the static kiln_edge, a second copy of the edge runtime beside the library's).
// The C11 test (runtime_c_test.c) covers the rest; both read the artifacts of
// make_capi_fixture.py.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "kiln/runtime.h"
#if defined(KILN_CAPI_EDGE)
#include "runtime/edge/edge_model.h"
#else
#include "runtime/cloud/cloud_model.h"
#endif

namespace {

static_assert(noexcept(kiln_model_run(nullptr, nullptr, 0)));
static_assert(noexcept(kiln_model_load(nullptr, nullptr, nullptr)));
static_assert(noexcept(kiln_model_free(nullptr)));

const std::string kArtifact = std::string(KILN_CAPI_FIXTURE) + "/fashion_cnn.kiln";

struct FreeModel {
  void operator()(kiln_model* m) const { kiln_model_free(m); }
};

// The runtime's own C++ model: Run returns the logits' bytes.
#if defined(KILN_CAPI_EDGE)
constexpr const char* kTarget = "(edge)";
class DirectModel {
 public:
  bool Load(std::string* error) {
    auto m = kiln::edge::EdgeModel::Load(kArtifact, {.threads = 1});
    if (!m.ok()) *error = m.status().message();
    if (m.ok()) model_ = std::move(*m);
    return m.ok();
  }
  std::vector<unsigned char> Run(const std::vector<float>& image, int64_t batch,
                                 std::string* error) {
    const int64_t dims[] = {batch, 1, 28, 28};
    kiln::edge::TensorView x{kiln::rt::DType::kF32, dims, image.data()};
    if (kiln::rt::Status s = model_->Run({&x, 1}); !s.ok()) {
      *error = s.message();
      return {};
    }
    const kiln::edge::TensorView y = model_->output(0);
    const auto* bytes = static_cast<const unsigned char*>(y.data);
    return {bytes, bytes + kiln::edge::NumElements(y.dims) * sizeof(float)};
  }

 private:
  std::unique_ptr<kiln::edge::EdgeModel> model_;
};
#else
constexpr const char* kTarget = "(cloud)";
class DirectModel {
 public:
  bool Load(std::string* error) {
    auto m = kiln::cloud::CloudModel::Load(kArtifact, {.threads = 1});
    if (!m.ok()) *error = m.status().message();
    if (m.ok()) model_ = std::move(*m);
    return m.ok();
  }
  std::vector<unsigned char> Run(const std::vector<float>& image, int64_t batch,
                                 std::string* error) {
    kiln::ref::Tensor input =
        kiln::ref::Tensor::FromVector(kiln::rt::DType::kF32, {batch, 1, 28, 28}, image);
    auto y = model_->Run(std::span(&input, 1));
    if (!y.ok()) {
      *error = y.status().message();
      return {};
    }
    const kiln::ref::Tensor& logits = (*y)[0];
    const auto* bytes = static_cast<const unsigned char*>(logits.raw());
    return {bytes, bytes + logits.num_bytes()};
  }

 private:
  std::unique_ptr<kiln::cloud::CloudModel> model_;
};
#endif

TEST(RuntimeCApi, NamesItsRuntime) {
  EXPECT_NE(std::strstr(kiln_runtime_version(), kTarget), nullptr) << kiln_runtime_version();
}

TEST(RuntimeCApi, SameBytesAsTheRuntimesModelAcrossBatchChanges) {
  kiln_model* raw = nullptr;
  ASSERT_EQ(kiln_model_load(kArtifact.c_str(), nullptr, &raw), KILN_STATUS_OK) << kiln_last_error();
  std::unique_ptr<kiln_model, FreeModel> c_model(raw);
  DirectModel direct;
  std::string error;
  ASSERT_TRUE(direct.Load(&error)) << error;

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  for (int64_t batch : {2, 1, 4, 2}) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    std::vector<float> image(static_cast<size_t>(batch) * 28 * 28);
    for (float& v : image) v = pixel(rng);
    const int64_t dims[] = {batch, 1, 28, 28};
    kiln_tensor x{KILN_DTYPE_F32, 4, dims, image.data(), image.size() * sizeof(float)};
    ASSERT_EQ(kiln_model_run(c_model.get(), &x, 1), KILN_STATUS_OK) << kiln_last_error();
    kiln_tensor y{};
    ASSERT_EQ(kiln_model_output(c_model.get(), 0, &y), KILN_STATUS_OK);

    const std::vector<unsigned char> expected = direct.Run(image, batch, &error);
    ASSERT_FALSE(expected.empty()) << error;
    ASSERT_EQ(y.rank, 2u);
    EXPECT_EQ(y.dims[0], batch);
    EXPECT_EQ(y.dims[1], 10);
    ASSERT_EQ(y.size_bytes, expected.size());
    EXPECT_EQ(std::memcmp(y.data, expected.data(), y.size_bytes), 0);
  }
}

}  // namespace
