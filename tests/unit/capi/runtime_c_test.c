/* The runtime C API (kiln/runtime.h) from C11, as a user sees it: load, info, run, outputs, and
 * every error path (status, message, no crash). Reads the artifacts and reference outputs that
 * make_capi_fixture.py wrote into the folder given as argv[1] for the target argv[2]; the same
 * source is linked once per runtime library (cloud: kiln_runtime_c, edge: libkiln_edge.so).
 *
 *   runtime_c_test FIXTURE_DIR cloud|edge  # one line per failed check; exit 0 when none failed
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "kiln/runtime.h"

/* The library (C++) sees these enums as 32-bit integers. */
_Static_assert(sizeof(kiln_dtype) == 4 && sizeof(kiln_status) == 4, "enums are 32 bits");

static int g_checks = 0;
static int g_failures = 0;
static const char* g_dir = ".";
static const char* g_target = "";       /* the library's runtime: "cloud" or "edge" */
static const char* g_other_target = ""; /* the other one, whose artifacts it must refuse */

#define CHECK(cond, ...)                                                \
  do {                                                                  \
    ++g_checks;                                                         \
    if (!(cond)) {                                                      \
      ++g_failures;                                                     \
      fprintf(stderr, "%s:%d: FAILED %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                     \
      fprintf(stderr, "\n");                                            \
    }                                                                   \
  } while (0)

/* The call returns `expected`; on a mismatch prints the status and the thread's message. */
#define CHECK_STATUS(call, expected)                                                 \
  do {                                                                               \
    kiln_status status_ = (call);                                                    \
    CHECK(status_ == (expected), "%s returned %s, expected %s: '%s'", #call,         \
          kiln_status_name(status_), kiln_status_name(expected), kiln_last_error()); \
  } while (0)

/* The call fails with `expected` and a message that contains `needle`. */
#define CHECK_ERROR(call, expected, needle)                                       \
  do {                                                                            \
    CHECK_STATUS(call, expected);                                                 \
    CHECK(strstr(kiln_last_error(), (needle)) != NULL, "message '%s' lacks '%s'", \
          kiln_last_error(), (needle));                                           \
  } while (0)

static const char* Path(char* buffer, size_t size, const char* name) {
  snprintf(buffer, size, "%s/%s", g_dir, name);
  return buffer;
}

/* Reads a whole file into malloc'ed memory; NULL (and a failed check) if it cannot. */
static unsigned char* ReadFile(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  CHECK(f != NULL, "cannot open '%s'", path);
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* bytes = malloc(n > 0 ? (size_t)n : 1);
  *size = fread(bytes, 1, (size_t)n, f);
  fclose(f);
  CHECK(*size == (size_t)n, "short read of '%s'", path);
  return bytes;
}

/* A little-endian f32 C-order .npy file (version 1 or 2): its dims and values. */
typedef struct {
  size_t rank;
  int64_t dims[8];
  size_t count;
  float* values;
} Array;

static Array ReadNpy(const char* name) {
  char path[1024];
  Array a = {0, {0}, 0, NULL};
  size_t size = 0;
  unsigned char* bytes = ReadFile(Path(path, sizeof path, name), &size);
  if (bytes == NULL) return a;
  int ok = size >= 12 && memcmp(bytes, "\x93NUMPY", 6) == 0 && bytes[6] >= 1 && bytes[6] <= 2;
  size_t header_at = bytes[6] == 1 ? 10 : 12;
  size_t header_len = ok ? (bytes[6] == 1 ? (size_t)(bytes[8] | bytes[9] << 8)
                                          : (size_t)(bytes[8] | bytes[9] << 8 | bytes[10] << 16))
                         : 0;
  ok = ok && header_at + header_len <= size;
  char header[512] = {0};
  if (ok && header_len < sizeof header) memcpy(header, bytes + header_at, header_len);
  ok = ok && strstr(header, "'<f4'") != NULL && strstr(header, "'fortran_order': False");
  const char* shape = ok ? strstr(header, "'shape': (") : NULL;
  CHECK(shape != NULL, "'%s' is not an f32 C-order .npy file", path);
  if (shape == NULL) {
    free(bytes);
    return a;
  }
  a.count = 1;
  for (const char* p = shape + 10; *p != ')' && a.rank < 8;) {
    char* end = NULL;
    long long d = strtoll(p, &end, 10);
    if (end == p) break;
    a.dims[a.rank++] = d;
    a.count *= (size_t)d;
    p = end;
    while (*p == ',' || *p == ' ') ++p;
  }
  CHECK(header_at + header_len + a.count * 4 == size, "'%s': size does not match its shape", path);
  a.values = malloc(a.count * sizeof(float) + 1);
  memcpy(a.values, bytes + header_at + header_len, a.count * sizeof(float));
  free(bytes);
  return a;
}

/* max|actual - expected| / max|expected| and the cosine of the two, as Kiln states accuracy. */
static void Compare(const char* label, const float* actual, const Array* expected) {
  double max_diff = 0, max_ref = 0, dot = 0, na = 0, ne = 0;
  for (size_t i = 0; i < expected->count; ++i) {
    double a = actual[i], e = expected->values[i];
    max_diff = fmax(max_diff, fabs(a - e));
    max_ref = fmax(max_ref, fabs(e));
    dot += a * e;
    na += a * a;
    ne += e * e;
  }
  double rel = max_diff / max_ref;
  double cosine = dot / sqrt(na * ne);
  CHECK(max_ref > 0 && rel <= 1e-4, "%s: max rel err %.3g > 1e-4", label, rel);
  CHECK(cosine >= 0.99999, "%s: cosine %.9f < 0.99999", label, cosine);
}

static kiln_model* Load(const char* name, int threads) {
  char path[1024];
  kiln_model_options options;
  kiln_model_options_init(&options);
  options.threads = threads;
  kiln_model* model = NULL;
  CHECK_STATUS(kiln_model_load(Path(path, sizeof path, name), &options, &model), KILN_STATUS_OK);
  return model;
}

static kiln_tensor TensorOf(const Array* a) {
  kiln_tensor t = {KILN_DTYPE_F32, a->rank, a->dims, a->values, a->count * sizeof(float)};
  return t;
}

static void TestLibrary(void) {
  CHECK(kiln_runtime_api_version() == KILN_RUNTIME_API_VERSION, "api version %d",
        kiln_runtime_api_version());
  CHECK(strncmp(kiln_runtime_version(), "kiln ", 5) == 0, "version '%s'", kiln_runtime_version());
  char target[32];
  snprintf(target, sizeof target, "(%s)", g_target);
  CHECK(strstr(kiln_runtime_version(), target) != NULL, "version '%s' does not say %s",
        kiln_runtime_version(), target);
  CHECK(strcmp(kiln_status_name(KILN_STATUS_INPUT_MISMATCH), "KILN_STATUS_INPUT_MISMATCH") == 0,
        "%s", kiln_status_name(KILN_STATUS_INPUT_MISMATCH));
  CHECK(strcmp(kiln_status_name((kiln_status)99), "unknown status") == 0, "status 99");
  CHECK(strcmp(kiln_dtype_name(KILN_DTYPE_F32), "f32") == 0, "f32");
  CHECK(strcmp(kiln_dtype_name(KILN_DTYPE_U64), "u64") == 0, "u64");
  CHECK(kiln_dtype_name((kiln_dtype)15) == NULL, "dtype 15 has a name");
  CHECK(kiln_dtype_name((kiln_dtype)-1) == NULL, "dtype -1 has a name");

  const int64_t dims[] = {2, 3};
  const int64_t odd[] = {3};
  const int64_t negative[] = {2, -1};
  const int64_t huge[] = {INT64_MAX, 4};
  CHECK(kiln_tensor_bytes(KILN_DTYPE_F32, dims, 2) == 24, "f32[2,3]");
  CHECK(kiln_tensor_bytes(KILN_DTYPE_I4, odd, 1) == 2, "i4[3] rounds up");
  CHECK(kiln_tensor_bytes(KILN_DTYPE_I64, NULL, 0) == 8, "i64 scalar");
  CHECK(kiln_tensor_bytes(KILN_DTYPE_F32, NULL, 1) == 0, "NULL dims");
  CHECK(kiln_tensor_bytes(KILN_DTYPE_F32, negative, 2) == 0, "negative dim");
  CHECK(kiln_tensor_bytes(KILN_DTYPE_F32, huge, 2) == 0, "overflow");
  CHECK(kiln_tensor_bytes((kiln_dtype)42, dims, 2) == 0, "bad dtype");

  kiln_model_free(NULL); /* a no-op */
  CHECK(kiln_model_num_inputs(NULL) == 0 && kiln_model_num_outputs(NULL) == 0, "NULL counts");
  CHECK(strlen(kiln_model_last_error(NULL)) > 0, "NULL model's message");
}

static void TestLoadErrors(void) {
  char path[1024];
  kiln_model* model = (kiln_model*)&model; /* not NULL: a failed load must reset it */
  CHECK_ERROR(kiln_model_load(Path(path, sizeof path, "absent.kiln"), NULL, &model),
              KILN_STATUS_IO_ERROR, "absent.kiln");
  CHECK(model == NULL, "model not reset after a failed load");
  CHECK_ERROR(kiln_model_load(g_dir, NULL, &model), KILN_STATUS_IO_ERROR, "not a regular file");

  /* Garbage bytes, and a real artifact cut in half, from a file and from memory. */
  const unsigned char garbage[] = {'K', 'I', 'L', 'N', 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3};
  FILE* f = fopen(Path(path, sizeof path, "garbage.kiln"), "wb");
  CHECK(f != NULL, "cannot write '%s'", path);
  if (f != NULL) {
    fwrite(garbage, 1, sizeof garbage, f);
    fclose(f);
  }
  model = (kiln_model*)&model;
  CHECK_ERROR(kiln_model_load(path, NULL, &model), KILN_STATUS_INVALID_ARTIFACT, "garbage.kiln");
  CHECK(model == NULL, "model not reset after a corrupt file");
  CHECK_STATUS(kiln_model_load_from_memory(garbage, sizeof garbage, NULL, &model),
               KILN_STATUS_INVALID_ARTIFACT);
  /* A sound artifact compiled for the other runtime. */
  char other_target[128];
  snprintf(other_target, sizeof other_target, "compiled for target '%s'; this is the '%s' runtime",
           g_other_target, g_target);
  model = (kiln_model*)&model;
  CHECK_ERROR(kiln_model_load(Path(path, sizeof path, "other_target.kiln"), NULL, &model),
              KILN_STATUS_INVALID_ARTIFACT, other_target);
  CHECK(model == NULL, "model not reset after another target's artifact");
  size_t size = 0;
  unsigned char* bytes = ReadFile(Path(path, sizeof path, "fashion_cnn.kiln"), &size);
  if (bytes != NULL) {
    CHECK_ERROR(kiln_model_load_from_memory(bytes, size / 2, NULL, &model),
                KILN_STATUS_INVALID_ARTIFACT, "<memory>");
    CHECK_STATUS(kiln_model_load_from_memory(bytes, 0, NULL, &model), KILN_STATUS_INVALID_ARTIFACT);
    free(bytes);
  }

  /* Bad arguments. */
  CHECK_ERROR(kiln_model_load(NULL, NULL, &model), KILN_STATUS_INVALID_ARGUMENT, "path is NULL");
  CHECK_ERROR(kiln_model_load(path, NULL, NULL), KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
  CHECK_ERROR(kiln_model_load_from_memory(NULL, 10, NULL, &model), KILN_STATUS_INVALID_ARGUMENT,
              "data is NULL");
  kiln_model_options options;
  memset(&options, 0, sizeof options);
  CHECK_ERROR(kiln_model_load(path, &options, &model), KILN_STATUS_INVALID_ARGUMENT,
              "kiln_model_options_init");
  kiln_model_options_init(&options);
  CHECK(options.threads == 1 && options.struct_size == sizeof options, "defaults");
  options.threads = 0;
  CHECK_ERROR(kiln_model_load(path, &options, &model), KILN_STATUS_INVALID_ARGUMENT,
              "threads is 0");
  CHECK(model == NULL, "model set by a failed load");
  /* A success clears the thread's message. */
  CHECK_STATUS(kiln_model_load(path, NULL, &model), KILN_STATUS_OK);
  CHECK(strcmp(kiln_last_error(), "") == 0, "message after success: '%s'", kiln_last_error());
  kiln_model_free(model);
}

static void TestInfo(void) {
  kiln_model* model = Load("fashion_cnn.kiln", 1);
  if (model == NULL) return;
  CHECK(kiln_model_num_inputs(model) == 1 && kiln_model_num_outputs(model) == 1, "counts");
  const kiln_tensor_info* info = NULL;
  CHECK_STATUS(kiln_model_input_info(model, 0, &info), KILN_STATUS_OK);
  if (info != NULL) {
    CHECK(strcmp(info->name, "image") == 0, "input name '%s'", info->name);
    CHECK(info->dtype == KILN_DTYPE_F32 && info->rank == 4, "input dtype/rank");
    if (info->rank == 4) {
      CHECK(info->dims[0] == -1 && info->dims[1] == 1 && info->dims[2] == 28 && info->dims[3] == 28,
            "input dims");
      CHECK(strcmp(info->symbols[0], "N") == 0 && strcmp(info->symbols[1], "") == 0,
            "input symbols '%s' '%s'", info->symbols[0], info->symbols[1]);
    }
  }
  CHECK_STATUS(kiln_model_output_info(model, 0, &info), KILN_STATUS_OK);
  if (info != NULL) {
    CHECK(strcmp(info->name, "logits") == 0, "output name '%s'", info->name);
    CHECK(info->rank == 2 && info->dims[0] == -1 && info->dims[1] == 10, "output dims");
    CHECK(strcmp(info->symbols[0], "N") == 0, "output symbol");
  }
  CHECK_ERROR(kiln_model_input_info(model, 1, &info), KILN_STATUS_INVALID_ARGUMENT,
              "input index 1 is out of range (1 input)");
  CHECK(info == NULL, "info not reset on error");
  CHECK(strcmp(kiln_model_last_error(model), kiln_last_error()) == 0, "model's message '%s'",
        kiln_model_last_error(model));
  CHECK_ERROR(kiln_model_output_info(model, (size_t)-1, &info), KILN_STATUS_INVALID_ARGUMENT,
              "out of range");
  CHECK_ERROR(kiln_model_output_info(model, 0, NULL), KILN_STATUS_INVALID_ARGUMENT, "info is NULL");
  CHECK_ERROR(kiln_model_input_info(NULL, 0, &info), KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
  kiln_model_free(model);
}

/* Batch 1 (the planned arena), batch 3 (beyond the planned maximum: re-planned), and batch 1
 * again, each against the reference runtime's logits; outputs read as a view and as a copy. */
static void TestRunMatchesReference(int threads) {
  kiln_model* model = Load("fashion_cnn.kiln", threads);
  Array image1 = ReadNpy("image_b1.npy"), image3 = ReadNpy("image_b3.npy");
  Array ref1 = ReadNpy("reference_b1/logits.npy"), ref3 = ReadNpy("reference_b3/logits.npy");
  if (model == NULL || !image1.values || !image3.values || !ref1.values || !ref3.values) {
    CHECK(0, "fixture missing");
  } else {
    CHECK(kiln_model_output(model, 0, &(kiln_tensor){0}) == KILN_STATUS_INVALID_ARGUMENT &&
              strstr(kiln_model_last_error(model), "has not run") != NULL,
          "output before a run: '%s'", kiln_model_last_error(model));
    const Array* images[] = {&image1, &image3, &image1};
    const Array* refs[] = {&ref1, &ref3, &ref1};
    for (int r = 0; r < 3; ++r) {
      char label[64];
      snprintf(label, sizeof label, "batch %lld, %d thread(s)", (long long)images[r]->dims[0],
               threads);
      kiln_tensor x = TensorOf(images[r]);
      CHECK_STATUS(kiln_model_run(model, &x, 1), KILN_STATUS_OK);
      CHECK(strcmp(kiln_model_last_error(model), "") == 0, "model message after success");
      kiln_tensor y;
      memset(&y, 0, sizeof y);
      CHECK_STATUS(kiln_model_output(model, 0, &y), KILN_STATUS_OK);
      CHECK(y.dtype == KILN_DTYPE_F32 && y.rank == 2 && y.dims[0] == refs[r]->dims[0] &&
                y.dims[1] == 10 && y.size_bytes == refs[r]->count * sizeof(float),
            "%s: output view shape", label);
      if (y.size_bytes == refs[r]->count * sizeof(float)) Compare(label, y.data, refs[r]);
      float copy[30];
      CHECK_STATUS(kiln_model_copy_output(model, 0, copy, sizeof copy), KILN_STATUS_OK);
      CHECK(memcmp(copy, y.data, y.size_bytes) == 0, "%s: copy differs from the view", label);
    }
  }
  free(image1.values);
  free(image3.values);
  free(ref1.values);
  free(ref3.values);
  kiln_model_free(model);
}

/* The same model from bytes in memory (freed right after loading), and with an input that is
 * not aligned for floats (copied by the runtime), gives the same logits bit for bit. */
static void TestMemoryAndAlignment(void) {
  char path[1024];
  size_t size = 0;
  unsigned char* bytes = ReadFile(Path(path, sizeof path, "fashion_cnn.kiln"), &size);
  kiln_model* from_file = Load("fashion_cnn.kiln", 1);
  kiln_model* from_memory = NULL;
  if (bytes != NULL) {
    CHECK_STATUS(kiln_model_load_from_memory(bytes, size, NULL, &from_memory), KILN_STATUS_OK);
    free(bytes);
  }
  Array image = ReadNpy("image_b3.npy");
  if (from_file == NULL || from_memory == NULL || image.values == NULL) {
    CHECK(0, "fixture missing");
  } else {
    float expected[30], got[30];
    kiln_tensor x = TensorOf(&image);
    CHECK_STATUS(kiln_model_run(from_file, &x, 1), KILN_STATUS_OK);
    CHECK_STATUS(kiln_model_copy_output(from_file, 0, expected, sizeof expected), KILN_STATUS_OK);
    CHECK_STATUS(kiln_model_run(from_memory, &x, 1), KILN_STATUS_OK);
    CHECK_STATUS(kiln_model_copy_output(from_memory, 0, got, sizeof got), KILN_STATUS_OK);
    CHECK(memcmp(expected, got, sizeof got) == 0, "from memory differs from file");

    unsigned char* shifted = malloc(x.size_bytes + 1);
    memcpy(shifted + 1, image.values, x.size_bytes);
    x.data = shifted + 1;
    memset(got, 0, sizeof got);
    CHECK_STATUS(kiln_model_run(from_file, &x, 1), KILN_STATUS_OK);
    CHECK_STATUS(kiln_model_copy_output(from_file, 0, got, sizeof got), KILN_STATUS_OK);
    CHECK(memcmp(expected, got, sizeof got) == 0, "misaligned input gives other logits");
    free(shifted);
  }
  free(image.values);
  kiln_model_free(from_file);
  kiln_model_free(from_memory);
}

static void TestRunErrors(void) {
  kiln_model* model = Load("fashion_cnn.kiln", 1);
  Array image = ReadNpy("image_b1.npy");
  if (model == NULL || image.values == NULL) {
    CHECK(0, "fixture missing");
    free(image.values);
    kiln_model_free(model);
    return;
  }
  const kiln_tensor good = TensorOf(&image);
  kiln_tensor two[2] = {good, good};
  CHECK_STATUS(kiln_model_run(model, &good, 1), KILN_STATUS_OK);

  CHECK_ERROR(kiln_model_run(NULL, &good, 1), KILN_STATUS_INVALID_ARGUMENT, "model is NULL");
  CHECK_ERROR(kiln_model_run(model, NULL, 1), KILN_STATUS_INVALID_ARGUMENT, "inputs is NULL");
  /* A failed run leaves no outputs. */
  kiln_tensor y;
  CHECK_ERROR(kiln_model_output(model, 0, &y), KILN_STATUS_INVALID_ARGUMENT, "last run failed");
  CHECK_ERROR(kiln_model_run(model, NULL, 0), KILN_STATUS_INPUT_MISMATCH,
              "the model takes 1 input, got 0");
  CHECK_ERROR(kiln_model_run(model, two, 2), KILN_STATUS_INPUT_MISMATCH, "got 2");
  CHECK(strstr(kiln_model_last_error(model), "kiln_model_run: ") == kiln_model_last_error(model),
        "model's message '%s'", kiln_model_last_error(model));

  kiln_tensor x = good;
  x.dtype = KILN_DTYPE_I32;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INPUT_MISMATCH,
              "input 0 ('image') is f32, got i32");
  x.dtype = (kiln_dtype)99;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INPUT_MISMATCH, "not a kiln_dtype");
  x = good;
  x.rank = 3;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INPUT_MISMATCH,
              "has dims [N,1,28,28] (symbolic dims any size >= 1), got [1,1,28]");
  const int64_t wrong_static[] = {1, 1, 28, 27};
  const int64_t zero_batch[] = {0, 1, 28, 28};
  const int64_t huge_batch[] = {INT64_MAX / 2, 1, 28, 28};
  x = good;
  x.dims = wrong_static;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INPUT_MISMATCH, "got [1,1,28,27]");
  x.dims = zero_batch;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INPUT_MISMATCH, "got [0,1,28,28]");
  x.dims = huge_batch;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INPUT_MISMATCH, "too large");
  x.dims = NULL;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INVALID_ARGUMENT, "dims is NULL");
  x = good;
  x.size_bytes -= 4;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INPUT_MISMATCH,
              "size_bytes is 3132, f32[1,1,28,28] is 3136 bytes");
  x = good;
  x.data = NULL;
  CHECK_ERROR(kiln_model_run(model, &x, 1), KILN_STATUS_INVALID_ARGUMENT, "data is NULL");

  /* Outputs: a buffer too small is refused and left untouched. */
  CHECK_STATUS(kiln_model_run(model, &good, 1), KILN_STATUS_OK);
  float small[9];
  for (int i = 0; i < 9; ++i) small[i] = -7.0f;
  CHECK_ERROR(kiln_model_copy_output(model, 0, small, sizeof small), KILN_STATUS_BUFFER_TOO_SMALL,
              "output 0 ('logits') is 40 bytes (f32[1,10]), the buffer has 36");
  int untouched = 1;
  for (int i = 0; i < 9; ++i) untouched = untouched && small[i] == -7.0f;
  CHECK(untouched, "a too-small buffer was written");
  CHECK_ERROR(kiln_model_copy_output(model, 0, NULL, 40), KILN_STATUS_INVALID_ARGUMENT,
              "buffer is NULL");
  CHECK_ERROR(kiln_model_copy_output(model, 1, small, sizeof small), KILN_STATUS_INVALID_ARGUMENT,
              "output index 1 is out of range");
  CHECK_ERROR(kiln_model_output(model, 0, NULL), KILN_STATUS_INVALID_ARGUMENT, "output is NULL");
  CHECK_ERROR(kiln_model_copy_output(NULL, 0, small, sizeof small), KILN_STATUS_INVALID_ARGUMENT,
              "model is NULL");
  /* Failed output calls do not drop the run's outputs. */
  float logits[10];
  CHECK_STATUS(kiln_model_copy_output(model, 0, logits, sizeof logits), KILN_STATUS_OK);
  free(image.values);
  kiln_model_free(model);
}

/* Two inputs sharing N, two outputs: values, ordering, and N bound once across inputs. Each
 * model keeps its own message. */
static void TestTwoInputs(void) {
  kiln_model* model = Load("two_inputs.kiln", 1);
  kiln_model* other = Load("fashion_cnn.kiln", 1);
  if (model == NULL || other == NULL) {
    kiln_model_free(model);
    kiln_model_free(other);
    return;
  }
  CHECK(kiln_model_num_inputs(model) == 2 && kiln_model_num_outputs(model) == 2, "counts");
  const kiln_tensor_info* info = NULL;
  CHECK_STATUS(kiln_model_output_info(model, 1, &info), KILN_STATUS_OK);
  CHECK(info != NULL && strcmp(info->name, "relu") == 0, "second output's name");

  enum { kBatch = 2, kCount = kBatch * 4 };
  float a[kCount], b[kCount];
  for (int i = 0; i < kCount; ++i) {
    a[i] = (float)i * 0.75f - 3.0f;
    b[i] = (float)(i % 3) * 0.5f;
  }
  const int64_t dims[] = {kBatch, 4};
  kiln_tensor inputs[2] = {{KILN_DTYPE_F32, 2, dims, a, sizeof a},
                           {KILN_DTYPE_F32, 2, dims, b, sizeof b}};
  CHECK_STATUS(kiln_model_run(model, inputs, 2), KILN_STATUS_OK);
  float sum[kCount], relu[kCount];
  CHECK_STATUS(kiln_model_copy_output(model, 0, sum, sizeof sum), KILN_STATUS_OK);
  CHECK_STATUS(kiln_model_copy_output(model, 1, relu, sizeof relu), KILN_STATUS_OK);
  for (int i = 0; i < kCount; ++i) {
    float expected = a[i] + b[i];
    CHECK(sum[i] == expected, "sum[%d] = %g, expected %g", i, sum[i], expected);
    CHECK(relu[i] == (expected > 0 ? expected : 0.0f), "relu[%d] = %g", i, relu[i]);
  }

  const int64_t one[] = {1, 4};
  inputs[1].dims = one;
  inputs[1].size_bytes = 4 * sizeof(float);
  CHECK_ERROR(kiln_model_run(model, inputs, 2), KILN_STATUS_INPUT_MISMATCH,
              "input 1 ('b'): dim 0 ('N') is 1 but input 0 ('a') has 'N' = 2");
  const char* message = kiln_model_last_error(model);
  const kiln_tensor_info* ignored = NULL;
  CHECK_STATUS(kiln_model_input_info(other, 0, &ignored), KILN_STATUS_OK);
  CHECK(strcmp(kiln_last_error(), "") == 0, "thread message not cleared by a success");
  CHECK(strstr(message, "'N' = 2") != NULL, "model's message changed by another model: '%s'",
        message);
  CHECK(strcmp(kiln_model_last_error(other), "") == 0, "other model's message");
  kiln_model_free(model);
  kiln_model_free(other);
}

/* kiln_last_error is per thread: a failure on another thread does not show here. */
static int FailOnThread(void* arg) {
  (void)arg;
  kiln_model* model = NULL;
  kiln_status s = kiln_model_load(NULL, NULL, &model);
  return s == KILN_STATUS_INVALID_ARGUMENT && strstr(kiln_last_error(), "path is NULL") != NULL;
}

static void TestThreadLocalError(void) {
  kiln_model* model = NULL;
  CHECK_STATUS(kiln_model_load_from_memory("x", 1, NULL, &model), KILN_STATUS_INVALID_ARTIFACT);
  thrd_t thread;
  int ok = 0;
  CHECK(thrd_create(&thread, FailOnThread, NULL) == thrd_success, "thrd_create");
  CHECK(thrd_join(thread, &ok) == thrd_success && ok == 1, "error on the other thread");
  CHECK(strstr(kiln_last_error(), "kiln_model_load_from_memory") != NULL,
        "this thread's message changed: '%s'", kiln_last_error());
}

int main(int argc, char** argv) {
  if (argc != 3 || (strcmp(argv[2], "cloud") != 0 && strcmp(argv[2], "edge") != 0)) {
    fprintf(stderr, "usage: runtime_c_test FIXTURE_DIR cloud|edge\n");
    return 2;
  }
  g_dir = argv[1];
  g_target = argv[2];
  g_other_target = strcmp(g_target, "cloud") == 0 ? "edge" : "cloud";
  TestLibrary();
  TestLoadErrors();
  TestInfo();
  TestRunMatchesReference(1);
  TestRunMatchesReference(2);
  TestMemoryAndAlignment();
  TestRunErrors();
  TestTwoInputs();
  TestThreadLocalError();
  printf("%d checks, %d failed\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
