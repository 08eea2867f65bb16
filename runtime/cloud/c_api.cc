// The cloud runtime's implementation of the C API (runtime/include/kiln/runtime.h) over
// CloudModel. Every entry point runs its body inside Guard, which turns any C++ exception into a
// status and records the outcome (thread-local and per-model message); the bodies check every
// argument before CloudModel sees it, so the status says which kind of mistake it was.
//
//   kiln_model* m = NULL;
//   kiln_status s = kiln_model_load("m.kiln", NULL, &m);   // CloudModel::Load(path, {1})
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "kiln/runtime.h"
#include "runtime/cloud/cloud_model.h"
#include "runtime/core/artifact.h"
#include "runtime/core/dtype.h"
#include "runtime/reference/kernels/tensor.h"

#ifndef KILN_RUNTIME_VERSION
#error "runtime/cloud/CMakeLists.txt defines KILN_RUNTIME_VERSION"
#endif

namespace {

using kiln::cloud::CloudModel;
using kiln::cloud::TensorSpec;
using kiln::ref::Tensor;
using kiln::rt::DType;

// Both enums are 32 bits wide in C too (their values are small and non-negative).
static_assert(sizeof(kiln_dtype) == 4 && sizeof(kiln_status) == 4);
// kiln_dtype mirrors rt::DType value for value (the artifact's numbering).
static_assert(kiln::rt::kNumDTypes == 15, "add the new dtype to kiln_dtype in kiln/runtime.h");
static_assert(KILN_DTYPE_F32 == static_cast<int>(DType::kF32));
static_assert(KILN_DTYPE_F16 == static_cast<int>(DType::kF16));
static_assert(KILN_DTYPE_BF16 == static_cast<int>(DType::kBF16));
static_assert(KILN_DTYPE_I8 == static_cast<int>(DType::kI8));
static_assert(KILN_DTYPE_U8 == static_cast<int>(DType::kU8));
static_assert(KILN_DTYPE_I4 == static_cast<int>(DType::kI4));
static_assert(KILN_DTYPE_U4 == static_cast<int>(DType::kU4));
static_assert(KILN_DTYPE_I16 == static_cast<int>(DType::kI16));
static_assert(KILN_DTYPE_I32 == static_cast<int>(DType::kI32));
static_assert(KILN_DTYPE_I64 == static_cast<int>(DType::kI64));
static_assert(KILN_DTYPE_BOOL == static_cast<int>(DType::kBool));
static_assert(KILN_DTYPE_F64 == static_cast<int>(DType::kF64));
static_assert(KILN_DTYPE_U16 == static_cast<int>(DType::kU16));
static_assert(KILN_DTYPE_U32 == static_cast<int>(DType::kU32));
static_assert(KILN_DTYPE_U64 == static_cast<int>(DType::kU64));

bool IsDType(kiln_dtype dtype) {
  return static_cast<int>(dtype) >= 0 && static_cast<int>(dtype) < kiln::rt::kNumDTypes;
}

// A message slot that never throws: when the text cannot be stored, a fixed one stands in.
class ErrorText {
 public:
  void Clear() noexcept {
    text_.clear();
    fixed_ = nullptr;
  }
  void Set(std::string_view message) noexcept {
    try {
      text_.assign(message);
      fixed_ = nullptr;
    } catch (...) {
      fixed_ = "out of memory (while recording an error)";
    }
  }
  const char* c_str() const noexcept { return fixed_ != nullptr ? fixed_ : text_.c_str(); }

 private:
  std::string text_;
  const char* fixed_ = nullptr;
};

thread_local ErrorText t_last_error;

// The outcome of one call: OK, or a status and its message.
struct Outcome {
  kiln_status status = KILN_STATUS_OK;
  std::string message;
};
Outcome Ok() { return {}; }
Outcome Fail(kiln_status status, std::string message) { return {status, std::move(message)}; }

// One declared input or output, as kiln_tensor_info points into it.
struct DeclaredTensor {
  std::string name;
  std::vector<int64_t> dims;
  std::vector<std::string> symbol_names;  // one per dim, "" for a static dim
  std::vector<const char*> symbols;
  kiln_tensor_info info{};
};

}  // namespace

struct kiln_model {
  std::unique_ptr<CloudModel> model;
  std::vector<DeclaredTensor> inputs;
  std::vector<DeclaredTensor> outputs;
  std::vector<Tensor> run_inputs;  // reused from run to run
  std::vector<Tensor> results;     // of the last successful run
  bool has_results = false;
  mutable ErrorText error;
};

namespace {

// Records "function: what detail" on this thread and on `model` when there is one; without
// the prefix if even that cannot be allocated.
void Record(const kiln_model* model, const char* function, std::string_view what,
            std::string_view detail = {}) noexcept {
  try {
    std::string message = std::string(function) + ": ";
    message.append(what).append(detail);
    t_last_error.Set(message);
    if (model != nullptr) model->error.Set(message);
  } catch (...) {
    t_last_error.Set(what);
    if (model != nullptr) model->error.Set(what);
  }
}

// Runs `body` (returning an Outcome) and records its message; an exception becomes
// KILN_STATUS_OUT_OF_MEMORY (std::bad_alloc) or KILN_STATUS_INTERNAL_ERROR, never escapes.
template <typename Body>
kiln_status Guard(const kiln_model* model, const char* function, Body&& body) noexcept {
  Outcome outcome;
  try {
    outcome = body();
  } catch (const std::bad_alloc&) {
    Record(model, function, "out of memory");
    return KILN_STATUS_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    Record(model, function, "internal error: unexpected exception: ", e.what());
    return KILN_STATUS_INTERNAL_ERROR;
  } catch (...) {
    Record(model, function, "internal error: unexpected exception");
    return KILN_STATUS_INTERNAL_ERROR;
  }
  if (outcome.status == KILN_STATUS_OK) {
    t_last_error.Clear();
    if (model != nullptr) model->error.Clear();
  } else {
    Record(model, function, outcome.message);
  }
  return outcome.status;
}

// "[N,1,28,28]" for a declaration (symbol names for symbolic dims), "[2,1,28,28]" for dims.
std::string DeclaredDims(const DeclaredTensor& t) {
  std::string s = "[";
  for (size_t d = 0; d < t.dims.size(); ++d) {
    if (d > 0) s += ",";
    if (t.dims[d] >= 0) {
      s += std::to_string(t.dims[d]);
    } else {
      s += t.symbol_names[d].empty() ? "?" : t.symbol_names[d];
    }
  }
  return s + "]";
}
std::string GivenDims(const int64_t* dims, size_t rank) {
  std::string s = "[";
  for (size_t d = 0; d < rank; ++d) s += (d > 0 ? "," : "") + std::to_string(dims[d]);
  return s + "]";
}

std::string Quoted(const DeclaredTensor& t, const char* kind, size_t index) {
  return std::string(kind) + " " + std::to_string(index) + " ('" + t.name + "')";
}

DeclaredTensor Declare(const TensorSpec& spec) {
  DeclaredTensor t;
  t.name = spec.name;
  t.dims = spec.dims;
  t.symbol_names.resize(spec.dims.size());
  for (size_t d = 0; d < spec.dims.size(); ++d) {
    if (spec.dims[d] < 0 && d < spec.symbols.size()) t.symbol_names[d] = spec.symbols[d];
  }
  return t;
}

// Points each declaration's kiln_tensor_info into its own storage (once the vector is final).
void Publish(std::vector<DeclaredTensor>& tensors, const std::vector<TensorSpec>& specs) {
  for (size_t i = 0; i < tensors.size(); ++i) {
    DeclaredTensor& t = tensors[i];
    for (const std::string& s : t.symbol_names) t.symbols.push_back(s.c_str());
    t.info.name = t.name.c_str();
    t.info.dtype = static_cast<kiln_dtype>(specs[i].dtype);
    t.info.rank = t.dims.size();
    t.info.dims = t.dims.data();
    t.info.symbols = t.symbols.data();
  }
}

Outcome ReadOptions(const kiln_model_options* options, kiln::cloud::CloudOptions& out) {
  if (options == nullptr) return Ok();
  if (options->struct_size == 0) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                "options.struct_size is 0: initialize options with kiln_model_options_init");
  }
  if (options->struct_size >= offsetof(kiln_model_options, threads) + sizeof(int)) {
    if (options->threads < 1) {
      return Fail(KILN_STATUS_INVALID_ARGUMENT,
                  "options.threads is " + std::to_string(options->threads) + ", must be >= 1");
    }
    out.threads = options->threads;
  }
  return Ok();
}

// Makes the kiln_model from a loaded artifact (`load_failure`: the status when loading it failed).
Outcome CreateModel(kiln::rt::Result<std::unique_ptr<kiln::rt::Artifact>> artifact,
                    kiln_status load_failure, const kiln::cloud::CloudOptions& options,
                    kiln_model** out) {
  if (!artifact.ok()) return Fail(load_failure, artifact.status().message());
  kiln::rt::Result<std::unique_ptr<CloudModel>> loaded =
      CloudModel::Create(std::move(*artifact), options);
  if (!loaded.ok()) return Fail(KILN_STATUS_INVALID_ARTIFACT, loaded.status().message());
  auto model = std::make_unique<kiln_model>();
  model->model = std::move(*loaded);
  for (const TensorSpec& spec : model->model->inputs()) model->inputs.push_back(Declare(spec));
  for (const TensorSpec& spec : model->model->outputs()) model->outputs.push_back(Declare(spec));
  Publish(model->inputs, model->model->inputs());
  Publish(model->outputs, model->model->outputs());
  model->run_inputs.resize(model->inputs.size());
  *out = model.release();
  return Ok();
}

// Whether Artifact::Load failed because the file could not be read rather than its content.
bool UnreadableFile(const char* path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return true;
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return true;
  std::fclose(f);
  return false;
}

Outcome Info(const kiln_model* model, bool output, size_t index, const kiln_tensor_info** info) {
  if (info == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "info is NULL");
  *info = nullptr;
  if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
  const std::vector<DeclaredTensor>& tensors = output ? model->outputs : model->inputs;
  const char* kind = output ? "output" : "input";
  if (index >= tensors.size()) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT, std::string(kind) + " index " +
                                                  std::to_string(index) + " is out of range (" +
                                                  std::to_string(tensors.size()) + " " + kind +
                                                  (tensors.size() == 1 ? ")" : "s)"));
  }
  *info = &tensors[index].info;
  return Ok();
}

// Checks input `i` against its declaration and the inputs before it (symbols bound once).
Outcome CheckInput(const kiln_model& model, const kiln_tensor* inputs, size_t i) {
  const DeclaredTensor& spec = model.inputs[i];
  const kiln_tensor& x = inputs[i];
  const std::string where = Quoted(spec, "input", i);
  if (!IsDType(x.dtype)) {
    return Fail(
        KILN_STATUS_INPUT_MISMATCH,
        where + ": dtype " + std::to_string(static_cast<int>(x.dtype)) + " is not a kiln_dtype");
  }
  if (x.dtype != spec.info.dtype) {
    return Fail(KILN_STATUS_INPUT_MISMATCH, where + " is " + kiln_dtype_name(spec.info.dtype) +
                                                ", got " + kiln_dtype_name(x.dtype));
  }
  if (x.rank > 0 && x.dims == nullptr) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                where + ": dims is NULL with rank " + std::to_string(x.rank));
  }
  bool match = x.rank == spec.dims.size();
  for (size_t d = 0; match && d < x.rank; ++d) {
    match = spec.dims[d] >= 0 ? x.dims[d] == spec.dims[d] : x.dims[d] >= 1;
  }
  if (!match) {
    return Fail(KILN_STATUS_INPUT_MISMATCH, where + " has dims " + DeclaredDims(spec) +
                                                " (symbolic dims any size >= 1), got " +
                                                GivenDims(x.dims, x.rank));
  }
  // A symbol takes one value across the inputs: compare with every earlier use.
  for (size_t d = 0; d < x.rank; ++d) {
    const std::string& symbol = spec.symbol_names[d];
    if (spec.dims[d] >= 0 || symbol.empty()) continue;
    for (size_t j = 0; j <= i; ++j) {
      const DeclaredTensor& other = model.inputs[j];
      size_t end = j < i ? other.dims.size() : d;
      for (size_t e = 0; e < end; ++e) {
        if (other.dims[e] >= 0 || other.symbol_names[e] != symbol) continue;
        if (inputs[j].dims[e] != x.dims[d]) {
          return Fail(KILN_STATUS_INPUT_MISMATCH,
                      where + ": dim " + std::to_string(d) + " ('" + symbol + "') is " +
                          std::to_string(x.dims[d]) + " but " + Quoted(other, "input", j) +
                          " has '" + symbol + "' = " + std::to_string(inputs[j].dims[e]));
        }
      }
    }
  }
  const size_t bytes = kiln_tensor_bytes(x.dtype, x.dims, x.rank);
  const int64_t elements = kiln::ref::NumElements(kiln::ref::Shape(x.dims, x.dims + x.rank));
  if (elements < 0 || bytes > static_cast<size_t>(kiln::ref::kMaxTensorBytes)) {
    return Fail(KILN_STATUS_INPUT_MISMATCH,
                where + ": dims " + GivenDims(x.dims, x.rank) + " are too large");
  }
  if (x.size_bytes != bytes) {
    return Fail(KILN_STATUS_INPUT_MISMATCH,
                where + ": size_bytes is " + std::to_string(x.size_bytes) + ", " +
                    kiln_dtype_name(x.dtype) + GivenDims(x.dims, x.rank) + " is " +
                    std::to_string(bytes) + " bytes");
  }
  if (x.data == nullptr && bytes > 0) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT, where + ": data is NULL");
  }
  return Ok();
}

// A tensor over the caller's bytes, or a copy of them when they are not aligned for the dtype.
Outcome WrapInput(const kiln_tensor& x, Tensor& out) {
  const DType dtype = static_cast<DType>(x.dtype);
  kiln::ref::Shape shape(x.dims, x.dims + x.rank);
  const size_t align = std::max<size_t>(1, static_cast<size_t>(kiln::rt::DTypeBits(dtype) / 8));
  if (reinterpret_cast<uintptr_t>(x.data) % align == 0) {
    out = Tensor::Borrow(dtype, std::move(shape), x.data, nullptr);
    return Ok();
  }
  kiln::rt::Result<Tensor> copy = Tensor::Empty(dtype, std::move(shape));
  if (!copy.ok()) return Fail(KILN_STATUS_OUT_OF_MEMORY, copy.status().message());
  if (x.size_bytes > 0) std::memcpy(copy->mutable_raw(), x.data, x.size_bytes);
  out = std::move(*copy);
  return Ok();
}

// Whether output `index` of the last run exists (`what`: "read"/"copy", for the message).
Outcome CheckHasOutput(const kiln_model* model, size_t index, const char* what) {
  if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
  if (!model->has_results) {
    return Fail(
        KILN_STATUS_INVALID_ARGUMENT,
        std::string("no outputs to ") + what + ": the model has not run, or its last run failed");
  }
  if (index >= model->results.size()) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                "output index " + std::to_string(index) + " is out of range (" +
                    std::to_string(model->results.size()) + " output" +
                    (model->results.size() == 1 ? ")" : "s)"));
  }
  return Ok();
}

}  // namespace

extern "C" {

int kiln_runtime_api_version(void) noexcept { return KILN_RUNTIME_API_VERSION; }

const char* kiln_runtime_version(void) noexcept { return "kiln " KILN_RUNTIME_VERSION " (cloud)"; }

const char* kiln_status_name(kiln_status status) noexcept {
  switch (status) {
    case KILN_STATUS_OK:
      return "KILN_STATUS_OK";
    case KILN_STATUS_INVALID_ARGUMENT:
      return "KILN_STATUS_INVALID_ARGUMENT";
    case KILN_STATUS_IO_ERROR:
      return "KILN_STATUS_IO_ERROR";
    case KILN_STATUS_INVALID_ARTIFACT:
      return "KILN_STATUS_INVALID_ARTIFACT";
    case KILN_STATUS_INPUT_MISMATCH:
      return "KILN_STATUS_INPUT_MISMATCH";
    case KILN_STATUS_BUFFER_TOO_SMALL:
      return "KILN_STATUS_BUFFER_TOO_SMALL";
    case KILN_STATUS_RUN_FAILED:
      return "KILN_STATUS_RUN_FAILED";
    case KILN_STATUS_OUT_OF_MEMORY:
      return "KILN_STATUS_OUT_OF_MEMORY";
    case KILN_STATUS_INTERNAL_ERROR:
      return "KILN_STATUS_INTERNAL_ERROR";
  }
  return "unknown status";
}

const char* kiln_dtype_name(kiln_dtype dtype) noexcept {
  if (!IsDType(dtype)) return nullptr;
  // Every name is a string literal: data() is NUL-terminated.
  return kiln::rt::DTypeName(static_cast<DType>(dtype)).data();
}

size_t kiln_tensor_bytes(kiln_dtype dtype, const int64_t* dims, size_t rank) noexcept {
  if (!IsDType(dtype) || (rank > 0 && dims == nullptr)) return 0;
  const uint64_t bits = static_cast<uint64_t>(kiln::rt::DTypeBits(static_cast<DType>(dtype)));
  uint64_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (dims[d] < 0) return 0;
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(dims[d]), &count)) return 0;
  }
  uint64_t total_bits = 0;
  if (__builtin_mul_overflow(count, bits, &total_bits) || total_bits > UINT64_MAX - 7) return 0;
  const uint64_t bytes = (total_bits + 7) / 8;
  return bytes > SIZE_MAX ? 0 : static_cast<size_t>(bytes);
}

const char* kiln_last_error(void) noexcept { return t_last_error.c_str(); }

void kiln_model_options_init(kiln_model_options* options) noexcept {
  if (options == nullptr) return;
  *options = kiln_model_options{};
  options->struct_size = sizeof(kiln_model_options);
  options->threads = 1;
}

kiln_status kiln_model_load(const char* path, const kiln_model_options* options,
                            kiln_model** model) noexcept {
  return Guard(nullptr, "kiln_model_load", [&] {
    if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
    *model = nullptr;
    if (path == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "path is NULL");
    kiln::cloud::CloudOptions cloud_options;
    if (Outcome o = ReadOptions(options, cloud_options); o.status != KILN_STATUS_OK) return o;
    auto artifact = kiln::rt::Artifact::Load(path, "cloud");
    const kiln_status failure = !artifact.ok() && UnreadableFile(path)
                                    ? KILN_STATUS_IO_ERROR
                                    : KILN_STATUS_INVALID_ARTIFACT;
    return CreateModel(std::move(artifact), failure, cloud_options, model);
  });
}

kiln_status kiln_model_load_from_memory(const void* data, size_t size,
                                        const kiln_model_options* options,
                                        kiln_model** model) noexcept {
  return Guard(nullptr, "kiln_model_load_from_memory", [&] {
    if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
    *model = nullptr;
    if (data == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "data is NULL");
    kiln::cloud::CloudOptions cloud_options;
    if (Outcome o = ReadOptions(options, cloud_options); o.status != KILN_STATUS_OK) return o;
    auto artifact = kiln::rt::Artifact::FromBytes({static_cast<const uint8_t*>(data), size},
                                                  "<memory>", "cloud");
    return CreateModel(std::move(artifact), KILN_STATUS_INVALID_ARTIFACT, cloud_options, model);
  });
}

void kiln_model_free(kiln_model* model) noexcept { delete model; }

const char* kiln_model_last_error(const kiln_model* model) noexcept {
  return model != nullptr ? model->error.c_str() : "kiln_model_last_error: model is NULL";
}

size_t kiln_model_num_inputs(const kiln_model* model) noexcept {
  return model != nullptr ? model->inputs.size() : 0;
}

size_t kiln_model_num_outputs(const kiln_model* model) noexcept {
  return model != nullptr ? model->outputs.size() : 0;
}

kiln_status kiln_model_input_info(const kiln_model* model, size_t index,
                                  const kiln_tensor_info** info) noexcept {
  return Guard(model, "kiln_model_input_info", [&] { return Info(model, false, index, info); });
}

kiln_status kiln_model_output_info(const kiln_model* model, size_t index,
                                   const kiln_tensor_info** info) noexcept {
  return Guard(model, "kiln_model_output_info", [&] { return Info(model, true, index, info); });
}

kiln_status kiln_model_run(kiln_model* model, const kiln_tensor* inputs,
                           size_t num_inputs) noexcept {
  return Guard(model, "kiln_model_run", [&] {
    if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
    model->has_results = false;
    model->results.clear();
    if (inputs == nullptr && num_inputs > 0) {
      return Fail(KILN_STATUS_INVALID_ARGUMENT, "inputs is NULL");
    }
    const size_t expected = model->inputs.size();
    if (num_inputs != expected) {
      return Fail(KILN_STATUS_INPUT_MISMATCH, "the model takes " + std::to_string(expected) +
                                                  " input" + (expected == 1 ? "" : "s") + ", got " +
                                                  std::to_string(num_inputs));
    }
    for (size_t i = 0; i < num_inputs; ++i) {
      if (Outcome o = CheckInput(*model, inputs, i); o.status != KILN_STATUS_OK) return o;
    }
    for (size_t i = 0; i < num_inputs; ++i) {
      if (Outcome o = WrapInput(inputs[i], model->run_inputs[i]); o.status != KILN_STATUS_OK) {
        return o;
      }
    }
    kiln::rt::Result<std::vector<Tensor>> outputs = model->model->Run(model->run_inputs);
    // The caller's buffers are not kept past the call.
    for (Tensor& t : model->run_inputs) t = Tensor();
    if (!outputs.ok()) return Fail(KILN_STATUS_RUN_FAILED, outputs.status().message());
    model->results = std::move(*outputs);
    model->has_results = true;
    return Ok();
  });
}

kiln_status kiln_model_output(const kiln_model* model, size_t index, kiln_tensor* output) noexcept {
  return Guard(model, "kiln_model_output", [&] {
    if (output == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "output is NULL");
    if (Outcome o = CheckHasOutput(model, index, "read"); o.status != KILN_STATUS_OK) return o;
    const Tensor& y = model->results[index];
    output->dtype = static_cast<kiln_dtype>(y.dtype());
    output->rank = static_cast<size_t>(y.rank());
    output->dims = y.shape().data();
    output->data = y.raw();
    output->size_bytes = static_cast<size_t>(y.num_bytes());
    return Ok();
  });
}

kiln_status kiln_model_copy_output(const kiln_model* model, size_t index, void* buffer,
                                   size_t buffer_size) noexcept {
  return Guard(model, "kiln_model_copy_output", [&] {
    if (Outcome o = CheckHasOutput(model, index, "copy"); o.status != KILN_STATUS_OK) return o;
    const Tensor& y = model->results[index];
    const size_t bytes = static_cast<size_t>(y.num_bytes());
    const DeclaredTensor& spec = model->outputs[index];
    if (buffer == nullptr && bytes > 0) {
      return Fail(KILN_STATUS_INVALID_ARGUMENT, "buffer is NULL");
    }
    if (buffer_size < bytes) {
      return Fail(KILN_STATUS_BUFFER_TOO_SMALL,
                  Quoted(spec, "output", index) + " is " + std::to_string(bytes) + " bytes (" +
                      kiln_dtype_name(static_cast<kiln_dtype>(y.dtype())) +
                      kiln::ref::ShapeString(y.shape()) + "), the buffer has " +
                      std::to_string(buffer_size));
    }
    if (bytes > 0) std::memcpy(buffer, y.raw(), bytes);
    return Ok();
  });
}

}  // extern "C"
