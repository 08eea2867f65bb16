// The C API seen from C++: the header declares every function noexcept inside extern "C", and
// running through the C API gives the same bytes as CloudModel::Run on the same artifact, across
// batch changes (the C layer adds nothing to the numbers). The C11 test (runtime_c_test.c) covers
// the rest; both read the artifacts of make_capi_fixture.py.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "kiln/runtime.h"
#include "runtime/cloud/cloud_model.h"

namespace {

static_assert(noexcept(kiln_model_run(nullptr, nullptr, 0)));
static_assert(noexcept(kiln_model_load(nullptr, nullptr, nullptr)));
static_assert(noexcept(kiln_model_free(nullptr)));

const std::string kArtifact = std::string(KILN_CAPI_FIXTURE) + "/fashion_cnn.kiln";

struct FreeModel {
  void operator()(kiln_model* m) const { kiln_model_free(m); }
};

TEST(RuntimeCApi, SameBytesAsCloudModelAcrossBatchChanges) {
  kiln_model* raw = nullptr;
  ASSERT_EQ(kiln_model_load(kArtifact.c_str(), nullptr, &raw), KILN_STATUS_OK) << kiln_last_error();
  std::unique_ptr<kiln_model, FreeModel> c_model(raw);
  auto cloud = kiln::cloud::CloudModel::Load(kArtifact, {.threads = 1});
  ASSERT_TRUE(cloud.ok()) << cloud.status().message();

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

    kiln::ref::Tensor input =
        kiln::ref::Tensor::FromVector(kiln::rt::DType::kF32, {batch, 1, 28, 28}, image);
    auto expected = (*cloud)->Run(std::span(&input, 1));
    ASSERT_TRUE(expected.ok()) << expected.status().message();
    const kiln::ref::Tensor& logits = (*expected)[0];
    ASSERT_EQ(y.rank, 2u);
    EXPECT_EQ(y.dims[0], batch);
    EXPECT_EQ(y.dims[1], 10);
    ASSERT_EQ(y.size_bytes, static_cast<size_t>(logits.num_bytes()));
    EXPECT_EQ(std::memcmp(y.data, logits.raw(), y.size_bytes), 0);
  }
}

}  // namespace
