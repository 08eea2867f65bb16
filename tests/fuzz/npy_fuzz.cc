// libFuzzer target for the .npy reader (runtime/core/npy.h).
//
// Any input must either fail with a one-line error naming the file or parse; whatever parses
// must be a consistent array that serializes and parses back to the same dtype, shape and data.
// Anything else aborts.
//
//   ninja npy_fuzz && ./npy_fuzz -dict=tests/fuzz/npy.dict CORPUS_DIR
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "runtime/core/npy.h"

namespace {

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "npy_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rt = kiln::rt;
  rt::Result<rt::NpyArray> array = rt::ParseNpy(std::span<const uint8_t>(data, size), "fuzz.npy");
  if (!array.ok()) {
    const std::string& message = array.status().message();
    if (message.rfind("'fuzz.npy': ", 0) != 0) Die("error does not name the file", message);
    if (message.find('\n') != std::string::npos) Die("error is not one line", message);
    return 0;
  }
  if (rt::Status s = rt::CheckNpyArray(*array, "parsed"); !s.ok()) {
    Die("parsed array is inconsistent", s.message());
  }

  std::vector<uint8_t> bytes = rt::SerializeNpy(*array);
  if (bytes.empty()) Die("a parsed array does not serialize", "");
  rt::Result<rt::NpyArray> again = rt::ParseNpy(bytes, "serialized.npy");
  if (!again.ok()) Die("serialized bytes do not parse", again.status().message());
  if (again->dtype != array->dtype || again->shape != array->shape || again->data != array->data) {
    Die("round trip changed the array", std::string(rt::NpyDTypeName(array->dtype)));
  }
  return 0;
}
