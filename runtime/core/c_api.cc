// The target-neutral part of the runtime C API (runtime/include/kiln/runtime.h): every entry
// point, over the capi::Model that the runtime's adapter loads (c_api_model.h). Every entry point
// runs its body inside Guard, which turns any C++ exception into a status and records the
// outcome (thread-local and per-model message); the bodies check every argument before the model
// sees it, so the status says which kind of mistake it was. Each runtime's C library compiles
// this file with its adapter (kiln_runtime_c: cloud, libkiln_edge.so: edge).
//
//   kiln_model* m = NULL;
//   kiln_status s = kiln_model_load("m.kiln", NULL, &m);   // capi::LoadModel({.path}, {1})
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "kiln/runtime.h"
#include "runtime/core/c_api_model.h"
#include "runtime/core/dtype.h"

#ifndef KILN_RUNTIME_VERSION
#error "runtime/core/CMakeLists.txt defines KILN_RUNTIME_VERSION"
#endif

namespace {

using kiln::capi::Fail;
using kiln::capi::Ok;
using kiln::capi::Outcome;
using kiln::capi::TensorSpec;
using kiln::capi::TensorView;
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

// An input larger than this is refused before any runtime sees it (the reference runtime's
// tensor cap, kMaxTensorBytes, 16 GiB), so a hostile shape cannot trigger a huge allocation.
constexpr uint64_t kMaxInputBytes = uint64_t{16} << 30;

bool IsDType(kiln_dtype dtype) {
  return static_cast<int>(dtype) >= 0 && static_cast<int>(dtype) < kiln::rt::kNumDTypes;
}

// The pieces of a message joined. Messages are built only on error paths: one out-of-line call
// per message (instead of a chain of inlined std::string operator+) keeps the library small.
std::string Cat(std::initializer_list<std::string_view> pieces) {
  size_t size = 0;
  for (std::string_view p : pieces) size += p.size();
  std::string s;
  s.reserve(size);
  for (std::string_view p : pieces) s.append(p);
  return s;
}
std::string Num(int64_t n) { return std::to_string(n); }
std::string Num(size_t n) { return std::to_string(n); }
// "s" when `count` is not 1.
const char* Plural(size_t count) { return count == 1 ? "" : "s"; }

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
  std::unique_ptr<kiln::capi::Model> model;
  std::vector<DeclaredTensor> inputs;
  std::vector<DeclaredTensor> outputs;
  std::vector<TensorView> run_inputs;  // reused from run to run
  bool has_results = false;            // the last run succeeded
  mutable ErrorText error;
};

namespace {

// Records "function: what detail" on this thread and on `model` when there is one; without
// the prefix if even that cannot be allocated.
void Record(const kiln_model* model, const char* function, std::string_view what,
            std::string_view detail = {}) noexcept {
  try {
    const std::string message = Cat({function, ": ", what, detail});
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
      s += Num(t.dims[d]);
    } else {
      s += t.symbol_names[d].empty() ? "?" : t.symbol_names[d];
    }
  }
  return s + "]";
}
std::string GivenDims(const int64_t* dims, size_t rank) {
  std::string s = "[";
  for (size_t d = 0; d < rank; ++d) {
    if (d > 0) s += ",";
    s += Num(dims[d]);
  }
  return s + "]";
}

std::string Quoted(const DeclaredTensor& t, const char* kind, size_t index) {
  return Cat({kind, " ", Num(index), " ('", t.name, "')"});
}

// The product of the dims, or -1 when a dim is negative or the product overflows int64.
int64_t CountElements(const int64_t* dims, size_t rank) {
  int64_t n = 1;
  for (size_t d = 0; d < rank; ++d) {
    if (dims[d] < 0) return -1;
    if (__builtin_mul_overflow(n, dims[d], &n)) return -1;
  }
  return n;
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

Outcome ReadOptions(const kiln_model_options* options, kiln::capi::ModelOptions& out) {
  if (options == nullptr) return Ok();
  if (options->struct_size == 0) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                "options.struct_size is 0: initialize options with kiln_model_options_init");
  }
  if (options->struct_size >= offsetof(kiln_model_options, threads) + sizeof(int)) {
    if (options->threads < 1) {
      return Fail(KILN_STATUS_INVALID_ARGUMENT,
                  Cat({"options.threads is ", Num(int64_t{options->threads}), ", must be >= 1"}));
    }
    out.threads = options->threads;
  }
  return Ok();
}

// Whether loading failed because the file could not be read rather than because of its content.
bool UnreadableFile(const char* path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return true;
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return true;
  std::fclose(f);
  return false;
}

// Loads the model through the runtime's adapter and makes the kiln_model around it. A file that
// cannot be read is KILN_STATUS_IO_ERROR; any other load failure KILN_STATUS_INVALID_ARTIFACT.
Outcome CreateModel(const kiln::capi::ArtifactSource& source, const kiln_model_options* options,
                    kiln_model** out) {
  kiln::capi::ModelOptions model_options;
  if (Outcome o = ReadOptions(options, model_options); !o.ok()) return o;
  kiln::rt::Result<std::unique_ptr<kiln::capi::Model>> loaded =
      kiln::capi::LoadModel(source, model_options);
  if (!loaded.ok()) {
    const bool unreadable = source.path != nullptr && UnreadableFile(source.path);
    return Fail(unreadable ? KILN_STATUS_IO_ERROR : KILN_STATUS_INVALID_ARTIFACT,
                loaded.status().message());
  }
  auto model = std::make_unique<kiln_model>();
  model->model = std::move(*loaded);
  const std::vector<TensorSpec>& inputs = model->model->inputs();
  const std::vector<TensorSpec>& outputs = model->model->outputs();
  for (const TensorSpec& spec : inputs) model->inputs.push_back(Declare(spec));
  for (const TensorSpec& spec : outputs) model->outputs.push_back(Declare(spec));
  Publish(model->inputs, inputs);
  Publish(model->outputs, outputs);
  model->run_inputs.resize(model->inputs.size());
  *out = model.release();
  return Ok();
}

Outcome Info(const kiln_model* model, bool output, size_t index, const kiln_tensor_info** info) {
  if (info == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "info is NULL");
  *info = nullptr;
  if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
  const std::vector<DeclaredTensor>& tensors = output ? model->outputs : model->inputs;
  const char* kind = output ? "output" : "input";
  if (index >= tensors.size()) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                Cat({kind, " index ", Num(index), " is out of range (", Num(tensors.size()), " ",
                     kind, Plural(tensors.size()), ")"}));
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
    return Fail(KILN_STATUS_INPUT_MISMATCH,
                Cat({where, ": dtype ", Num(int64_t{x.dtype}), " is not a kiln_dtype"}));
  }
  if (x.dtype != spec.info.dtype) {
    return Fail(KILN_STATUS_INPUT_MISMATCH, Cat({where, " is ", kiln_dtype_name(spec.info.dtype),
                                                 ", got ", kiln_dtype_name(x.dtype)}));
  }
  if (x.rank > 0 && x.dims == nullptr) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                Cat({where, ": dims is NULL with rank ", Num(x.rank)}));
  }
  bool match = x.rank == spec.dims.size();
  for (size_t d = 0; match && d < x.rank; ++d) {
    match = spec.dims[d] >= 0 ? x.dims[d] == spec.dims[d] : x.dims[d] >= 1;
  }
  if (!match) {
    return Fail(KILN_STATUS_INPUT_MISMATCH,
                Cat({where, " has dims ", DeclaredDims(spec),
                     " (symbolic dims any size >= 1), got ", GivenDims(x.dims, x.rank)}));
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
          return Fail(
              KILN_STATUS_INPUT_MISMATCH,
              Cat({where, ": dim ", Num(d), " ('", symbol, "') is ", Num(x.dims[d]), " but ",
                   Quoted(other, "input", j), " has '", symbol, "' = ", Num(inputs[j].dims[e])}));
        }
      }
    }
  }
  const size_t bytes = kiln_tensor_bytes(x.dtype, x.dims, x.rank);
  if (CountElements(x.dims, x.rank) < 0 || bytes > kMaxInputBytes) {
    return Fail(KILN_STATUS_INPUT_MISMATCH,
                Cat({where, ": dims ", GivenDims(x.dims, x.rank), " are too large"}));
  }
  if (x.size_bytes != bytes) {
    return Fail(KILN_STATUS_INPUT_MISMATCH,
                Cat({where, ": size_bytes is ", Num(x.size_bytes), ", ", kiln_dtype_name(x.dtype),
                     GivenDims(x.dims, x.rank), " is ", Num(bytes), " bytes"}));
  }
  if (x.data == nullptr && bytes > 0) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT, Cat({where, ": data is NULL"}));
  }
  return Ok();
}

// Whether output `index` of the last run exists (`what`: "read"/"copy", for the message).
Outcome CheckHasOutput(const kiln_model* model, size_t index, const char* what) {
  if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
  if (!model->has_results) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                Cat({"no outputs to ", what, ": the model has not run, or its last run failed"}));
  }
  const size_t count = model->outputs.size();
  if (index >= count) {
    return Fail(KILN_STATUS_INVALID_ARGUMENT,
                Cat({"output index ", Num(index), " is out of range (", Num(count), " output",
                     Plural(count), ")"}));
  }
  return Ok();
}

// Output `index` of the last run (checked by CheckHasOutput) as the C view.
kiln_tensor OutputView(const kiln_model& model, size_t index) {
  const TensorView y = model.model->output(index);
  kiln_tensor view{};
  view.dtype = static_cast<kiln_dtype>(y.dtype);
  view.rank = y.dims.size();
  view.dims = y.dims.data();
  view.data = y.data;
  view.size_bytes = kiln_tensor_bytes(view.dtype, view.dims, view.rank);
  return view;
}

}  // namespace

extern "C" {

int kiln_runtime_api_version(void) noexcept { return KILN_RUNTIME_API_VERSION; }

const char* kiln_runtime_version(void) noexcept {
  // "kiln 0.1.0 (cloud)", formatted once into static storage (no allocation, nothing to throw).
  static const std::array<char, 64> text = [] {
    std::array<char, 64> s{};
    std::snprintf(s.data(), s.size(), "kiln %s (%s)", KILN_RUNTIME_VERSION,
                  kiln::capi::RuntimeTarget());
    return s;
  }();
  return text.data();
}

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
    return CreateModel({.path = path, .bytes = {}}, options, model);
  });
}

kiln_status kiln_model_load_from_memory(const void* data, size_t size,
                                        const kiln_model_options* options,
                                        kiln_model** model) noexcept {
  return Guard(nullptr, "kiln_model_load_from_memory", [&] {
    if (model == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
    *model = nullptr;
    if (data == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "data is NULL");
    return CreateModel({.path = nullptr, .bytes = {static_cast<const uint8_t*>(data), size}},
                       options, model);
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
    if (inputs == nullptr && num_inputs > 0) {
      return Fail(KILN_STATUS_INVALID_ARGUMENT, "inputs is NULL");
    }
    const size_t expected = model->inputs.size();
    if (num_inputs != expected) {
      return Fail(KILN_STATUS_INPUT_MISMATCH, Cat({"the model takes ", Num(expected), " input",
                                                   Plural(expected), ", got ", Num(num_inputs)}));
    }
    for (size_t i = 0; i < num_inputs; ++i) {
      if (Outcome o = CheckInput(*model, inputs, i); !o.ok()) return o;
    }
    for (size_t i = 0; i < num_inputs; ++i) {
      const kiln_tensor& x = inputs[i];
      model->run_inputs[i] = {
          .dtype = static_cast<DType>(x.dtype), .dims = {x.dims, x.rank}, .data = x.data};
    }
    Outcome outcome = model->model->Run(model->run_inputs);
    // The caller's buffers are not kept past the call.
    for (TensorView& v : model->run_inputs) v = TensorView();
    model->has_results = outcome.ok();
    return outcome;
  });
}

kiln_status kiln_model_output(const kiln_model* model, size_t index, kiln_tensor* output) noexcept {
  return Guard(model, "kiln_model_output", [&] {
    if (output == nullptr) return Fail(KILN_STATUS_INVALID_ARGUMENT, "output is NULL");
    if (Outcome o = CheckHasOutput(model, index, "read"); !o.ok()) return o;
    *output = OutputView(*model, index);
    return Ok();
  });
}

kiln_status kiln_model_copy_output(const kiln_model* model, size_t index, void* buffer,
                                   size_t buffer_size) noexcept {
  return Guard(model, "kiln_model_copy_output", [&] {
    if (Outcome o = CheckHasOutput(model, index, "copy"); !o.ok()) return o;
    const kiln_tensor y = OutputView(*model, index);
    if (buffer == nullptr && y.size_bytes > 0) {
      return Fail(KILN_STATUS_INVALID_ARGUMENT, "buffer is NULL");
    }
    if (buffer_size < y.size_bytes) {
      return Fail(KILN_STATUS_BUFFER_TOO_SMALL,
                  Cat({Quoted(model->outputs[index], "output", index), " is ", Num(y.size_bytes),
                       " bytes (", kiln_dtype_name(y.dtype), GivenDims(y.dims, y.rank),
                       "), the buffer has ", Num(buffer_size)}));
    }
    if (y.size_bytes > 0) std::memcpy(buffer, y.data, y.size_bytes);
    return Ok();
  });
}

}  // extern "C"
