// libFuzzer target for the textual IR parser (ir/parser.h).
//
// Any input must either fail with an error or parse; whatever parses must print, parse again
// and print to the same text (the printer's round-trip guarantee). Anything else aborts.
//
//   ninja ir_parser_fuzz && ./ir_parser_fuzz -dict=tests/fuzz/ir_parser.dict CORPUS_DIR
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ir/parser.h"
#include "ir/printer.h"

namespace {

[[noreturn]] void Die(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "ir_parser_fuzz: %s\n--- first ---\n%s\n--- second ---\n%s\n", what,
               a.c_str(), b.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ir = kiln::ir;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ir::Context ctx;
  kiln::Expected<std::unique_ptr<ir::Graph>> graph = ir::ParseGraph(text, "fuzz.kir", ctx);
  if (!graph) return 0;

  std::string printed = ir::PrintGraph(**graph);
  // The other print options must not crash either.
  ir::PrintGraph(**graph, {.elide_constants = true, .print_locations = false});

  ir::Context ctx2;
  kiln::Expected<std::unique_ptr<ir::Graph>> again = ir::ParseGraph(printed, "printed.kir", ctx2);
  if (!again) Die("printed text does not parse", printed, again.error().message());
  std::string reprinted = ir::PrintGraph(**again);
  if (reprinted != printed) Die("printing is not stable", printed, reprinted);
  return 0;
}
