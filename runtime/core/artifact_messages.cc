#include "runtime/core/artifact_messages.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "runtime/core/artifact_dtype.h"

namespace kiln::rt {

std::string PrintableText(std::string_view text) {
  constexpr size_t kMaxChars = 80;
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= kMaxChars) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

std::string PrintableText(const flatbuffers::String* text) {
  return text == nullptr ? std::string() : PrintableText(text->string_view());
}

std::string TensorTypeText(const artifact::Tensor& tensor) {
  std::string out(IsKnownDType(tensor.dtype()) ? DTypeName(ToDType(tensor.dtype())) : "?");
  out += "[";
  const auto* shape = tensor.shape();
  const auto* symbols = tensor.symbols();
  for (flatbuffers::uoffset_t i = 0; shape && i < shape->size(); ++i) {
    if (i > 0) out += ",";
    const bool has_symbol = symbols && i < symbols->size() && symbols->Get(i)->size() > 0;
    if (shape->Get(i) >= 0) {
      out += std::to_string(shape->Get(i));
    } else {
      out += has_symbol ? PrintableText(symbols->Get(i)->string_view()) : "?";
    }
  }
  return out + "]";
}

std::string_view StorageName(artifact::Storage storage) {
  switch (storage) {
    case artifact::Storage::Input:
      return "input";
    case artifact::Storage::Arena:
      return "arena";
    case artifact::Storage::Constant:
      return "constant";
  }
  return "unknown";
}

std::string_view AttrKindName(artifact::AttrKind kind) {
  switch (kind) {
    case artifact::AttrKind::Int:
      return "int";
    case artifact::AttrKind::Float:
      return "float";
    case artifact::AttrKind::String:
      return "string";
    case artifact::AttrKind::Ints:
      return "ints";
    case artifact::AttrKind::Floats:
      return "floats";
    case artifact::AttrKind::Strings:
      return "strings";
  }
  return "unknown";
}

ArtifactMessages::ArtifactMessages(std::string_view file_name, const artifact::Model* model)
    : file_name_(file_name), model_(model) {}

Status ArtifactMessages::Error(std::string_view what) const {
  return Status::Error("'" + file_name_ + "': " + std::string(what));
}

Status ArtifactMessages::Errorf(const char* format, ...) const {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int size = std::vsnprintf(nullptr, 0, format, again);
  va_end(again);
  std::string what(static_cast<size_t>(std::max(size, 0)), '\0');
  std::vsnprintf(what.data(), what.size() + 1, format, args);
  va_end(args);
  return Error(what);
}

std::string ArtifactMessages::Tensor(int64_t index) const {
  std::string out = "tensor " + std::to_string(index);
  const auto* tensors = model_ ? model_->tensors() : nullptr;
  if (tensors && index >= 0 && index < static_cast<int64_t>(tensors->size())) {
    out += " ('" + PrintableText(tensors->Get(static_cast<flatbuffers::uoffset_t>(index))->name()) +
           "')";
  }
  return out;
}

std::string ArtifactMessages::Op(int64_t index) const {
  std::string out = "op " + std::to_string(index);
  const auto* ops = model_ ? model_->ops() : nullptr;
  if (ops && index >= 0 && index < static_cast<int64_t>(ops->size())) {
    const artifact::Op* op = ops->Get(static_cast<flatbuffers::uoffset_t>(index));
    out += " ('" + PrintableText(op->name()) + "', " + PrintableText(op->kernel()) + ")";
  }
  return out;
}

}  // namespace kiln::rt
