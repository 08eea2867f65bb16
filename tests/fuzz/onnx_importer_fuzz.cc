// libFuzzer target for the ONNX importer (frontends/onnx/importer.h).
//
// Any bytes must either import into a graph that verifies, or fail with a one-line error
// naming the file; a crash, a sanitizer report, or a multi-line error aborts.
//
//   ninja onnx_importer_fuzz && ./onnx_importer_fuzz -dict=tests/fuzz/onnx_importer.dict CORPUS
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "frontends/onnx/importer.h"
#include "ir/verifier.h"

namespace {

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "onnx_importer_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  kiln::ir::Context ctx;
  auto graph = kiln::ImportOnnxBytes(bytes, "fuzz.onnx", ctx);
  if (!graph) {
    const std::string& message = graph.error().message();
    if (message.rfind("fuzz.onnx: ", 0) != 0) Die("error does not name the file", message);
    if (message.find('\n') != std::string::npos) Die("error is not one line", message);
    return 0;
  }
  if (kiln::Status s = kiln::ir::VerifyGraph(**graph); !s.ok()) {
    Die("imported graph does not verify", s.message());
  }
  return 0;
}
