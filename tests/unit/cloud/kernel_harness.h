// Runs one cloud-runtime kernel the way the executor will: builds its artifact::Op with
// FlatBuffers (kernel key, name, attributes), prepares it (constants passed as
// TensorInfo::data), reorders each input into the layout the kernel required, runs it with a
// scratchpad of the size it asked for, and hands back the outputs in the layouts it chose
// (LaidOutTensor), or plain (RunKernel). Also: random tensors and the relative error used to
// compare with the reference kernels.
//
//   rt::Result<std::vector<ref::Tensor>> y =
//       RunKernel("conv", {In(x), Const(w), Const(b)}, {{"pads", Ints{1, 1, 1, 1}}});
//   EXPECT_TRUE(Near(y->at(0), *ref::Conv(x, w, &b, params), 1e-5));
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "runtime/cloud/cloud_kernel.h"
#include "runtime/reference/kernels/tensor.h"

namespace kiln::cloud::testing {

using Ints = std::vector<int64_t>;
using Floats = std::vector<double>;
using AttrValue = std::variant<int64_t, double, std::string, Ints, Floats>;
struct TestAttr {
  std::string name;
  AttrValue value;
};
using TestAttrs = std::vector<TestAttr>;

// An artifact::Op in a buffer of its own: kernel key, name "test_op", attributes sorted.
class TestOp {
 public:
  TestOp(const std::string& kernel, const TestAttrs& attrs);
  const artifact::Op& op() const;

 private:
  std::vector<uint8_t> bytes_;
};

// A tensor in some oneDNN layout, owning its (64-byte aligned) bytes.
class LaidOutTensor {
 public:
  LaidOutTensor() = default;
  // Zeroed bytes for `desc` (its size, padding included) or `bytes` if that is more.
  LaidOutTensor(Dims dims, const memory::desc& desc, rt::DType dtype = rt::DType::kF32,
                size_t bytes = 0);
  // Any dtype (oneDNN has no i64, but constants such as pow's exponent may be one).
  static LaidOutTensor FromPlain(const ref::Tensor& t);

  rt::DType dtype() const { return dtype_; }
  const Dims& dims() const { return dims_; }
  const memory::desc& desc() const { return desc_; }
  void* data() const { return bytes_.get(); }

  // The same values in layout `to` (a copy; `to` must have the same dims).
  LaidOutTensor Reordered(const memory::desc& to) const;
  ref::Tensor ToPlain() const;

 private:
  rt::DType dtype_ = rt::DType::kF32;
  Dims dims_;
  memory::desc desc_;
  std::shared_ptr<void> bytes_;
};

// One kernel input: a tensor (any layout; constants must be plain) or absent.
struct Operand {
  const LaidOutTensor* tensor = nullptr;
  bool constant = false;
};

struct CallOptions {
  int num_outputs = 1;
  bool output_must_be_plain = true;
  int output_aliases_input = -1;  // run in place: output 0 is this input's (reordered) buffer
  rt::DType output_dtype = rt::DType::kF32;  // what the artifact would say of every output
  // The artifact's dims of output 0, which fallback kernels check their result against (oneDNN
  // kernels set the dims themselves).
  Dims output_dims = {};
};

// A kernel created from RegisterDnnlKernels, prepared and run on demand (Prepare may be called
// again with other shapes).
class KernelSession {
 public:
  KernelSession(const std::string& kernel, const TestAttrs& attrs, CallOptions options = {});

  rt::Status Prepare(const std::vector<Operand>& inputs);
  // Reorders the inputs to the required layouts, runs, returns the outputs in their layouts.
  rt::Result<std::vector<LaidOutTensor>> Run(const std::vector<Operand>& inputs);

  const std::vector<memory::desc>& required() const { return required_; }
  const std::vector<TensorInfo>& outputs() const { return outputs_; }
  size_t scratchpad_bytes() const { return scratchpad_bytes_; }
  CloudKernel* kernel() const { return kernel_.get(); }

 private:
  std::string key_;
  TestOp op_;
  std::unique_ptr<rt::OpAttrs> attrs_;
  CallOptions options_;
  std::unique_ptr<CloudKernel> kernel_;
  std::vector<memory::desc> required_;
  std::vector<TensorInfo> outputs_;
  size_t scratchpad_bytes_ = 0;
};

// Plain tensors in, plain tensors out (output_must_be_plain), one call.
struct PlainOperand {
  ref::Tensor tensor;
  bool constant = false;
  bool absent = false;
};
inline PlainOperand In(ref::Tensor t) { return {std::move(t), false, false}; }
inline PlainOperand Const(ref::Tensor t) { return {std::move(t), true, false}; }
inline PlainOperand Absent() { return {ref::Tensor(), false, true}; }

rt::Result<std::vector<ref::Tensor>> RunKernel(const std::string& kernel,
                                               const std::vector<PlainOperand>& inputs,
                                               const TestAttrs& attrs = {},
                                               CallOptions options = {});

// Whole models: loads the bytes of a compiled cloud artifact (codegen::CompileModel) into the
// cloud runtime and runs it on `inputs`.
rt::Result<std::vector<ref::Tensor>> RunArtifact(const std::vector<uint8_t>& artifact,
                                                 const std::vector<ref::Tensor>& inputs);

// f32 values uniform in [lo, hi), from `seed`.
ref::Tensor Random(const ref::Shape& shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f);
ref::Tensor Scalar(float value, ref::Shape shape = {1});

// The reference result of fused activation `name` (ir/fused_activation.h names, "" for none)
// applied to `y`, with its alpha and beta.
ref::Tensor ReferenceActivation(const ref::Tensor& y, const std::string& name, float alpha = 0,
                                float beta = 0);
// The attributes of fused activation `name` (none for "").
TestAttrs ActivationAttrs(const std::string& name, double alpha = 0, double beta = 0);

// max |got - want| / max |want|; infinity if the shapes differ or either has a NaN where the
// other does not.
double RelativeError(const ref::Tensor& got, const ref::Tensor& want);
// Success when RelativeError(got, want) <= tolerance; the message says by how much it failed.
::testing::AssertionResult Near(const ref::Tensor& got, const ref::Tensor& want, double tolerance);

// The tolerance every kernel meets against the reference: max |d| / max |ref| <= 1e-5.
inline constexpr double kTolerance = 1e-5;

}  // namespace kiln::cloud::testing
