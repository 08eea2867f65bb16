/* The Kiln runtime's C API: load a compiled `.kiln` artifact, ask for its inputs and outputs,
 * run it, read the results. Plain C11, no C++ in the interface; every runtime (cloud, edge)
 * implements this same header in its own library, so nothing here names a target or a vendor.
 *
 *   kiln_model* m = NULL;
 *   if (kiln_model_load("m.kiln", NULL, &m) != KILN_STATUS_OK) puts(kiln_last_error());
 *   kiln_tensor x = {KILN_DTYPE_F32, 4, dims, pixels, sizeof pixels};
 *   if (kiln_model_run(m, &x, 1) == KILN_STATUS_OK) kiln_model_copy_output(m, 0, buf, sizeof buf);
 *   kiln_model_free(m);
 *
 * Conventions (docs/c_api.md has a complete example):
 * - Every function that can fail returns a kiln_status. KILN_STATUS_OK is 0.
 * - Error text: each such call sets the calling thread's message (kiln_last_error(): "" after
 *   success, one line saying what is wrong and where otherwise), and a call that is given a
 *   valid model also sets that model's message (kiln_model_last_error()). Load errors, having
 *   no model, are read from kiln_last_error().
 * - Arguments are checked: a NULL pointer, an out-of-range index, an input whose count, dtype,
 *   rank, dims or byte size does not match the model, or a buffer that is too small is an error
 *   status with a message, never a crash. No C++ exception leaves the library.
 * - Ownership: pointers the library returns (names, dims, tensor info, output data) belong to
 *   the model; they stay valid until kiln_model_free, except output views, which stay valid only
 *   until the next kiln_model_run on that model. Memory the caller passes in is only read during
 *   the call (loading from memory copies the bytes).
 * - Threads: a model is used by one thread at a time (the caller serializes its calls);
 *   different models are independent and may run concurrently.
 */
#ifndef KILN_RUNTIME_H_
#define KILN_RUNTIME_H_

#include <stddef.h>
#include <stdint.h>

/* Symbol visibility. Define KILN_RUNTIME_STATIC when linking the static library on Windows. */
#if defined(_WIN32) && !defined(KILN_RUNTIME_STATIC)
#if defined(KILN_RUNTIME_BUILDING)
#define KILN_RUNTIME_API __declspec(dllexport)
#else
#define KILN_RUNTIME_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define KILN_RUNTIME_API __attribute__((visibility("default")))
#else
#define KILN_RUNTIME_API
#endif

/* No exception leaves the library; C++ callers see that in the declarations. */
#if defined(__cplusplus)
#define KILN_RUNTIME_NOEXCEPT noexcept
#else
#define KILN_RUNTIME_NOEXCEPT
#endif

/* The enums are 32-bit integers in C and C++ alike. In C++ they get that as a fixed underlying
 * type, so that any 32-bit value a C caller passes is a value the library can check (and
 * refuse), not undefined behaviour. */
#if defined(__cplusplus)
#define KILN_RUNTIME_ENUM_BASE : int32_t
#else
#define KILN_RUNTIME_ENUM_BASE
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface. It changes when a declaration here changes incompatibly
 * (including the layout of kiln_tensor or kiln_tensor_info); compare it with
 * kiln_runtime_api_version() to detect a header/library mismatch. */
#define KILN_RUNTIME_API_VERSION 1

typedef enum kiln_status KILN_RUNTIME_ENUM_BASE {
  KILN_STATUS_OK = 0,
  /* A NULL pointer where one is required, an index out of range, a bad option value, or a call
   * out of order (reading outputs before a successful run). */
  KILN_STATUS_INVALID_ARGUMENT = 1,
  /* The artifact file cannot be opened or read. */
  KILN_STATUS_IO_ERROR = 2,
  /* The bytes are not an artifact this runtime can run: corrupt or truncated, another format
   * version, compiled for another target, or an op this runtime has no kernel for. */
  KILN_STATUS_INVALID_ARTIFACT = 3,
  /* The inputs given to kiln_model_run do not match the model: their count, a dtype, rank, dim,
   * byte size, or a symbolic dim bound to two different values. */
  KILN_STATUS_INPUT_MISMATCH = 4,
  /* A caller's buffer is smaller than the data to copy into it. */
  KILN_STATUS_BUFFER_TOO_SMALL = 5,
  /* Running the model failed (a kernel could not be prepared or run for these shapes). */
  KILN_STATUS_RUN_FAILED = 6,
  KILN_STATUS_OUT_OF_MEMORY = 7,
  /* A bug in the runtime; the message says where. */
  KILN_STATUS_INTERNAL_ERROR = 8
} kiln_status;

/* Element types, the same list and values as the artifact format. i4/u4 pack two values per
 * byte, low nibble first; bool is one byte holding 0 or 1. */
typedef enum kiln_dtype KILN_RUNTIME_ENUM_BASE {
  KILN_DTYPE_F32 = 0,
  KILN_DTYPE_F16 = 1,
  KILN_DTYPE_BF16 = 2,
  KILN_DTYPE_I8 = 3,
  KILN_DTYPE_U8 = 4,
  KILN_DTYPE_I4 = 5,
  KILN_DTYPE_U4 = 6,
  KILN_DTYPE_I16 = 7,
  KILN_DTYPE_I32 = 8,
  KILN_DTYPE_I64 = 9,
  KILN_DTYPE_BOOL = 10,
  KILN_DTYPE_F64 = 11,
  KILN_DTYPE_U16 = 12,
  KILN_DTYPE_U32 = 13,
  KILN_DTYPE_U64 = 14
} kiln_dtype;

/* A loaded model. Opaque; created by kiln_model_load*, destroyed by kiln_model_free. */
typedef struct kiln_model kiln_model;

/* Load options. Initialize with kiln_model_options_init (which sets struct_size, so a later
 * library that adds fields knows which ones the caller filled), then change what you need. */
typedef struct kiln_model_options {
  size_t struct_size;
  /* Threads the kernels may use; >= 1 (default 1). */
  int threads;
} kiln_model_options;

/* A model input or output as the artifact declares it. Owned by the model. */
typedef struct kiln_tensor_info {
  const char* name;
  kiln_dtype dtype;
  size_t rank;
  /* rank entries; -1 for a symbolic dim (one whose size is given by the inputs, e.g. a batch). */
  const int64_t* dims;
  /* rank entries: the symbol's name ("N") for a symbolic dim, "" for a static one. */
  const char* const* symbols;
} kiln_tensor_info;

/* A dense row-major (C order) tensor: an input passed to kiln_model_run, or a view of an output
 * filled by kiln_model_output. `dims` may be NULL when rank is 0. `size_bytes` must equal the
 * storage size of dtype x dims (kiln_tensor_bytes). `data` may have any alignment (an input not
 * aligned for its element type is copied before the run); it may be NULL only when size_bytes
 * is 0. */
typedef struct kiln_tensor {
  kiln_dtype dtype;
  size_t rank;
  const int64_t* dims;
  const void* data;
  size_t size_bytes;
} kiln_tensor;

/* ---- Library ---------------------------------------------------------------------------- */

/* KILN_RUNTIME_API_VERSION of the header the library was built with. */
KILN_RUNTIME_API int kiln_runtime_api_version(void) KILN_RUNTIME_NOEXCEPT;
/* The runtime's version and target, e.g. "kiln 0.1.0 (cloud)". Static storage. */
KILN_RUNTIME_API const char* kiln_runtime_version(void) KILN_RUNTIME_NOEXCEPT;
/* A name for a status ("KILN_STATUS_INVALID_ARGUMENT"); "unknown status" for other values. */
KILN_RUNTIME_API const char* kiln_status_name(kiln_status status) KILN_RUNTIME_NOEXCEPT;
/* The dtype's name ("f32"), or NULL for a value outside the enum. */
KILN_RUNTIME_API const char* kiln_dtype_name(kiln_dtype dtype) KILN_RUNTIME_NOEXCEPT;
/* Bytes that a tensor of dtype x dims occupies (sub-byte types round up); 0 when dtype is not a
 * kiln_dtype, dims is NULL with rank > 0, a dim is negative, or the size overflows. */
KILN_RUNTIME_API size_t kiln_tensor_bytes(kiln_dtype dtype, const int64_t* dims,
                                          size_t rank) KILN_RUNTIME_NOEXCEPT;

/* The message of the last call on this thread that returned a status: "" after KILN_STATUS_OK.
 * Valid until the next such call on this thread. Never NULL. */
KILN_RUNTIME_API const char* kiln_last_error(void) KILN_RUNTIME_NOEXCEPT;

/* ---- Loading ---------------------------------------------------------------------------- */

/* Fills *options with the defaults. */
KILN_RUNTIME_API void kiln_model_options_init(kiln_model_options* options) KILN_RUNTIME_NOEXCEPT;

/* Loads and checks the artifact at `path` (the file is treated as untrusted input). `options`
 * may be NULL for the defaults. On success *model is a new model; on failure *model is NULL and
 * kiln_last_error() says why. */
KILN_RUNTIME_API kiln_status kiln_model_load(const char* path, const kiln_model_options* options,
                                             kiln_model** model) KILN_RUNTIME_NOEXCEPT;
/* The same from `size` bytes in memory, which are copied: the caller may free them on return. */
KILN_RUNTIME_API kiln_status kiln_model_load_from_memory(const void* data, size_t size,
                                                         const kiln_model_options* options,
                                                         kiln_model** model) KILN_RUNTIME_NOEXCEPT;

/* Frees the model and everything it owns. NULL is a no-op. */
KILN_RUNTIME_API void kiln_model_free(kiln_model* model) KILN_RUNTIME_NOEXCEPT;

/* The message of the last call given this model: "" after KILN_STATUS_OK. Valid until the next
 * call with this model. Never NULL (a fixed message for a NULL model). */
KILN_RUNTIME_API const char* kiln_model_last_error(const kiln_model* model) KILN_RUNTIME_NOEXCEPT;

/* ---- Inputs and outputs ----------------------------------------------------------------- */

/* Counts; 0 for a NULL model. */
KILN_RUNTIME_API size_t kiln_model_num_inputs(const kiln_model* model) KILN_RUNTIME_NOEXCEPT;
KILN_RUNTIME_API size_t kiln_model_num_outputs(const kiln_model* model) KILN_RUNTIME_NOEXCEPT;

/* Sets *info to the declaration of input/output `index` (owned by the model). */
KILN_RUNTIME_API kiln_status kiln_model_input_info(
    const kiln_model* model, size_t index, const kiln_tensor_info** info) KILN_RUNTIME_NOEXCEPT;
KILN_RUNTIME_API kiln_status kiln_model_output_info(
    const kiln_model* model, size_t index, const kiln_tensor_info** info) KILN_RUNTIME_NOEXCEPT;

/* ---- Running ---------------------------------------------------------------------------- */

/* Runs the model on `num_inputs` tensors, one per model input in order. Each must have the
 * input's dtype and rank, its static dims, any size >= 1 for a symbolic dim (the same size
 * wherever the same symbol appears), and size_bytes matching. A change of symbolic dims (a new
 * batch size) is allowed at any run; the first run with new dims is slower (it re-prepares).
 * The inputs are only read during the call. On success the outputs are kept in the model until
 * the next run; on failure the model has no outputs. */
KILN_RUNTIME_API kiln_status kiln_model_run(kiln_model* model, const kiln_tensor* inputs,
                                            size_t num_inputs) KILN_RUNTIME_NOEXCEPT;

/* Fills *output with a read-only view of output `index` of the last successful run: its dtype,
 * concrete dims, data and size_bytes. The view's dims and data belong to the model and are
 * valid until the next kiln_model_run or kiln_model_free. */
KILN_RUNTIME_API kiln_status kiln_model_output(const kiln_model* model, size_t index,
                                               kiln_tensor* output) KILN_RUNTIME_NOEXCEPT;

/* Copies output `index` of the last successful run into `buffer` (`buffer_size` bytes, at least
 * the output's size_bytes; KILN_STATUS_BUFFER_TOO_SMALL otherwise, with nothing written). */
KILN_RUNTIME_API kiln_status kiln_model_copy_output(const kiln_model* model, size_t index,
                                                    void* buffer,
                                                    size_t buffer_size) KILN_RUNTIME_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_RUNTIME_H_ */
