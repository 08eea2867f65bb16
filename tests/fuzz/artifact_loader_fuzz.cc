// libFuzzer target for the artifact loader (runtime/core/artifact.h).
//
// Inputs are loaded with FromBytesIgnoringChecksum: the trailer must be in place, but its hash is
// not compared, or nearly every mutation would stop at the checksum and never reach the
// structural checks. (Each input also goes through FromBytes, which must agree when it loads.)
// Any input must either fail with a one-line error naming the file or load; whatever loads must
// keep every promise of a loaded artifact (tests/unit/runtime/artifact_invariants.h re-derives
// them the plain way, including the all-pairs memory plan check), and every constant's bytes and
// every op attribute (through OpAttrs) must be readable. Anything else aborts.
//
//   ninja artifact_loader_fuzz
//   ./artifact_loader_fuzz -dict=tests/fuzz/artifact_loader.dict CORPUS_DIR
// Seeds: tests/fuzz/corpus/artifact_loader, written by tests/unit/runtime/
// artifact_fuzz_seeds_test.cc (KILN_WRITE_SEEDS=1 runtime_artifact_fuzz_seeds_test).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "runtime/core/artifact.h"
#include "runtime/core/op_attrs.h"
#include "tests/unit/runtime/artifact_invariants.h"

namespace {

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "artifact_loader_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// Reads every byte of every constant, so ASan sees any read outside the buffer.
uint64_t TouchConstants(const kiln::rt::Artifact& artifact) {
  uint64_t sum = 0;
  for (int t = 0; t < artifact.num_tensors(); ++t) {
    for (uint8_t byte : artifact.ConstantBytes(t)) sum += byte;
  }
  return sum;
}

// Reads every attribute of every op with the getter of its kind, and once with a wrong one.
void TouchAttrs(const kiln::rt::Artifact& artifact) {
  namespace artifact_fb = kiln::artifact;
  for (const artifact_fb::Op* op : *artifact.model().ops()) {
    kiln::rt::OpAttrs attrs(*op);
    if (op->attrs() == nullptr) continue;
    for (const artifact_fb::Attr* attr : *op->attrs()) {
      std::string_view name = attr->name()->string_view();
      bool ok = false;
      switch (attr->kind()) {
        case artifact_fb::AttrKind::Int:
          ok = attrs.Int(name).ok() && !attrs.Float(name, 0.0).ok();
          break;
        case artifact_fb::AttrKind::Float:
          ok = attrs.Float(name).ok() && !attrs.Int(name, 0).ok();
          break;
        case artifact_fb::AttrKind::String:
          ok = attrs.String(name).ok() && !attrs.Strings(name).ok();
          break;
        case artifact_fb::AttrKind::Ints:
          ok = attrs.Ints(name).ok() && !attrs.Int(name).ok();
          break;
        case artifact_fb::AttrKind::Floats:
          ok = attrs.Floats(name).ok() && !attrs.Ints(name, {}).ok();
          break;
        case artifact_fb::AttrKind::Strings:
          ok = attrs.Strings(name).ok() && !attrs.String(name, "").ok();
          break;
      }
      if (!ok) Die("an attribute does not read back by its kind", std::string(name));
    }
  }
}

// Dies unless `status` is a one-line error naming the file.
void CheckError(const kiln::rt::Status& status) {
  const std::string& message = status.message();
  if (message.rfind("'fuzz.kiln': ", 0) != 0) Die("error does not name the file", message);
  if (message.find('\n') != std::string::npos) Die("error is not one line", message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rt = kiln::rt;
  const std::span<const uint8_t> bytes(data, size);
  rt::Result<std::unique_ptr<rt::Artifact>> checked =
      rt::Artifact::FromBytes(bytes, "fuzz.kiln", "");
  if (!checked.ok()) CheckError(checked.status());
  rt::Result<std::unique_ptr<rt::Artifact>> artifact =
      rt::Artifact::FromBytesIgnoringChecksum(bytes, "fuzz.kiln", "");
  if (!artifact.ok()) {
    if (checked.ok()) {
      Die("loads with its checksum checked but not without", artifact.status().message());
    }
    CheckError(artifact.status());
    return 0;
  }
  std::string broken = kiln::rt::test::ArtifactInvariantViolation(**artifact);
  if (!broken.empty()) Die("a loaded artifact breaks a promise", broken);
  volatile uint64_t sink = TouchConstants(**artifact);
  (void)sink;
  TouchAttrs(**artifact);
  return 0;
}
