/* classify_example.c (shown in docs/c_api.md): runs an artifact of the Fashion-MNIST CNN (compiled
 * for the runtime whose library it is linked with: cloud or edge) on a batch of images read as raw
 * float32 pixels (28x28 each, values in [0, 1]) and prints the class of each. */
#include <stdio.h>
#include <stdlib.h>

#include "kiln/runtime.h"

static int fail(const char* what, kiln_status status, const char* message) {
  fprintf(stderr, "%s: %s: %s\n", what, kiln_status_name(status), message);
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: classify_example MODEL.kiln IMAGES.f32\n");
    return 2;
  }
  kiln_model_options options;
  kiln_model_options_init(&options);
  options.threads = 2;
  kiln_model* model = NULL;
  kiln_status status = kiln_model_load(argv[1], &options, &model);
  if (status != KILN_STATUS_OK) return fail("load", status, kiln_last_error());

  /* image: f32[N,1,28,28] -> logits: f32[N,10]; N is symbolic (-1). */
  const kiln_tensor_info* in = NULL;
  kiln_model_input_info(model, 0, &in);
  printf("input '%s' %s rank %zu, dim 0 = %lld ('%s')\n", in->name, kiln_dtype_name(in->dtype),
         in->rank, (long long)in->dims[0], in->symbols[0]);

  /* Read the images: the batch is however many the file holds. */
  FILE* f = fopen(argv[2], "rb");
  if (f == NULL) return fail("open", KILN_STATUS_IO_ERROR, argv[2]);
  fseek(f, 0, SEEK_END);
  size_t count = (size_t)ftell(f) / (28 * 28 * sizeof(float));
  fseek(f, 0, SEEK_SET);
  float* pixels = malloc(count * 28 * 28 * sizeof(float) + 1);
  count = fread(pixels, 28 * 28 * sizeof(float), count, f);
  fclose(f);

  const int64_t dims[4] = {(int64_t)count, 1, 28, 28};
  kiln_tensor image = {KILN_DTYPE_F32, 4, dims, pixels, count * 28 * 28 * sizeof(float)};
  status = kiln_model_run(model, &image, 1);
  if (status != KILN_STATUS_OK) return fail("run", status, kiln_model_last_error(model));

  /* Either read the output in place (valid until the next run)... */
  kiln_tensor logits;
  kiln_model_output(model, 0, &logits);
  const float* y = logits.data;
  for (int64_t n = 0; n < logits.dims[0]; ++n) {
    int best = 0;
    for (int c = 1; c < 10; ++c) best = y[n * 10 + c] > y[n * 10 + best] ? c : best;
    printf("image %lld: class %d\n", (long long)n, best);
  }
  /* ...or copy it into a buffer of your own. */
  float* copy = malloc(logits.size_bytes);
  status = kiln_model_copy_output(model, 0, copy, logits.size_bytes);
  if (status != KILN_STATUS_OK) return fail("copy", status, kiln_model_last_error(model));

  free(copy);
  free(pixels);
  kiln_model_free(model);
  return 0;
}
