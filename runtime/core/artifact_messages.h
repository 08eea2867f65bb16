// How the artifact loader names things in its errors: every message is one line that starts with
// the quoted file name, then says where ("tensor 12 ('conv1.out')", "op 3 ('Conv_3', conv)") and
// what is wrong. Strings taken from the file are made printable and cut short, so a hostile name
// can neither break the line nor flood the terminal.
//
//   ArtifactMessages say("m.kiln", &model);
//   return say.Error(say.Tensor(12) + ": arena slot [0, 64) is outside the arena (32 bytes)");
//   // "'m.kiln': tensor 12 ('conv1.out'): arena slot [0, 64) is outside the arena (32 bytes)"
#pragma once

#include <string>
#include <string_view>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/result.h"

namespace kiln::rt {

// `text` with control and non-ASCII bytes written as \xNN, cut to about 80 characters.
std::string PrintableText(std::string_view text);
// A string field of the file as printable text; "" when the field is absent.
std::string PrintableText(const flatbuffers::String* text);

// "f32[N,4]": dtype and shape, symbolic dims by their symbol ("?" for an unknown dtype, a
// symbolic dim without a symbol).
std::string TensorTypeText(const artifact::Tensor& tensor);

// Lower-case names of the schema's enums, as messages and `kiln inspect` print them.
std::string_view StorageName(artifact::Storage storage);  // "input", "arena", "constant"
std::string_view AttrKindName(artifact::AttrKind kind);   // "int", "floats", ...

class ArtifactMessages {
 public:
  // `model` may be null (before verification); then tensors and ops are named by index only.
  ArtifactMessages(std::string_view file_name, const artifact::Model* model);

  // "'<file>': <what>".
  Status Error(std::string_view what) const;
  // "'<file>': " and printf's `format` of the arguments. One call, where a string expression
  // would build temporaries at every message: smaller code for the edge runtime's size budget
  // (docs/aarch64.md).
  [[gnu::format(printf, 2, 3)]] Status Errorf(const char* format, ...) const;
  // "tensor 12 ('conv1.out')"; "tensor 57" when the index is out of range.
  std::string Tensor(int64_t index) const;
  // "op 3 ('Conv_3', conv)"; "op 3" when the index is out of range.
  std::string Op(int64_t index) const;

 private:
  std::string file_name_;
  const artifact::Model* model_;
};

}  // namespace kiln::rt
