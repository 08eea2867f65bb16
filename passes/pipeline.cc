#include "passes/pipeline.h"

#include <charconv>
#include <optional>
#include <utility>
#include <vector>

namespace kiln {
namespace {

constexpr int kMaxFixpointBound = 1000000;
// Named pipelines may use other named pipelines, this deep.
constexpr int kMaxPipelineNesting = 8;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

std::string Quote(char c) { return std::string("'") + c + "'"; }

class PipelineParser {
 public:
  PipelineParser(std::string_view text, const PassRegistry& registry, int nesting = 0)
      : text_(text), registry_(registry), nesting_(nesting) {}

  Expected<Pipeline> Parse() {
    Pipeline pipeline;
    SkipSpace();
    if (AtEnd()) return pipeline;
    if (!ParseSequence(pipeline.elements)) return *error_;
    if (!AtEnd()) {
      Fail(pos_, "expected ',' or end of pipeline, found " + Quote(Peek()));
      return *error_;
    }
    return pipeline;
  }

 private:
  struct OptionSpan {
    size_t key_pos;
    size_t value_pos;
  };

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (Peek() != c || AtEnd()) return false;
    ++pos_;
    return true;
  }
  // "found 'x'" or "found end of pipeline", for messages about an unexpected token.
  std::string Found() const { return AtEnd() ? "found end of pipeline" : "found " + Quote(Peek()); }

  void LineColumn(size_t pos, int& line, int& column) const {
    line = 1;
    column = 1;
    for (size_t i = 0; i < pos && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
  }
  bool Fail(size_t pos, const std::string& message) {
    if (!error_) {
      int line = 0;
      int column = 0;
      LineColumn(pos, line, column);
      error_ = Status::Error(PipelineLocation(line, column) + message);
    }
    return false;
  }

  std::string_view ReadName() {
    size_t start = pos_;
    while (!AtEnd() && IsNameChar(Peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // element (',' element)*; stops before anything that is not a ','.
  bool ParseSequence(std::vector<PipelineElement>& out) {
    do {
      if (!ParseElement(out)) return false;
    } while (Consume(','));
    SkipSpace();
    return true;
  }

  // Appends one element to `out`, or the elements a named pipeline stands for.
  bool ParseElement(std::vector<PipelineElement>& out) {
    PipelineElement element;
    SkipSpace();
    size_t name_pos = pos_;
    LineColumn(name_pos, element.line, element.column);
    std::string_view name = ReadName();
    if (name.empty()) return Fail(pos_, "expected a pass name, " + Found());
    element.name = std::string(name);
    element.kind =
        name == "fixpoint" ? PipelineElement::Kind::kFixpoint : PipelineElement::Kind::kPass;
    const std::string* named = element.is_fixpoint() ? nullptr : registry_.FindPipeline(name);
    if (!element.is_fixpoint() && named == nullptr && !registry_.Contains(name)) {
      return Fail(name_pos, "unknown pass '" + element.name + "'");
    }

    std::vector<std::pair<std::string, OptionSpan>> spans;  // text order
    if (Consume('{') && !ParseOptions(element.options, spans)) return false;

    if (named != nullptr) {
      if (!element.options.empty()) {
        return Fail(name_pos, "pipeline '" + element.name + "' takes no options");
      }
      if (nesting_ >= kMaxPipelineNesting) {
        return Fail(name_pos, "pipeline '" + element.name + "' nests too deeply");
      }
      Expected<Pipeline> expanded = PipelineParser(*named, registry_, nesting_ + 1).Parse();
      if (!expanded) {
        return Fail(name_pos, "in pipeline '" + element.name + "': " + expanded.error().message());
      }
      for (PipelineElement& e : expanded->elements) out.push_back(std::move(e));
    }
    if (!element.is_fixpoint()) {
      SkipSpace();
      if (Peek() == '(') return Fail(pos_, "only fixpoint takes a nested pipeline");
      if (named == nullptr) out.push_back(std::move(element));
      return true;
    }

    for (const auto& [key, span] : spans) {
      if (key != "max") return Fail(span.key_pos, "fixpoint has no option '" + key + "'");
      std::string_view value = *element.options.Get(key);
      int max = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), max);
      if (ec != std::errc() || ptr != value.data() + value.size() || max < 1 ||
          max > kMaxFixpointBound) {
        return Fail(span.value_pos, "fixpoint max must be an integer from 1 to " +
                                        std::to_string(kMaxFixpointBound) + ", got '" +
                                        std::string(value) + "'");
      }
      element.max_iterations = max;
    }
    element.options = PassOptions();

    SkipSpace();
    if (!Consume('(')) return Fail(pos_, "expected '(' after fixpoint, " + Found());
    if (!ParseSequence(element.children)) return false;
    if (!Consume(')')) return Fail(pos_, "expected ',' or ')', " + Found());
    out.push_back(std::move(element));
    return true;
  }

  // After '{': [key '=' value (',' key '=' value)*] '}'.
  bool ParseOptions(PassOptions& options, std::vector<std::pair<std::string, OptionSpan>>& spans) {
    if (Consume('}')) return true;
    do {
      SkipSpace();
      size_t key_pos = pos_;
      std::string key(ReadName());
      if (key.empty()) return Fail(pos_, "expected an option name, " + Found());
      if (!Consume('=')) return Fail(pos_, "expected '=' after option '" + key + "', " + Found());
      SkipSpace();
      size_t value_pos = pos_;
      std::optional<std::string> value = ReadValue(key);
      if (!value) return false;
      if (!options.Set(key, std::move(*value))) {
        return Fail(key_pos, "duplicate option '" + key + "'");
      }
      spans.emplace_back(key, OptionSpan{key_pos, value_pos});
    } while (Consume(','));
    if (!Consume('}')) return Fail(pos_, "expected ',' or '}' in options, " + Found());
    return true;
  }

  std::optional<std::string> ReadValue(const std::string& key) {
    if (Peek() != '"' || AtEnd()) {
      size_t start = pos_;
      while (!AtEnd() && IsBareOptionChar(Peek())) ++pos_;
      if (pos_ == start) {
        Fail(pos_, "expected a value for option '" + key + "', " + Found());
        return std::nullopt;
      }
      return std::string(text_.substr(start, pos_ - start));
    }
    size_t open = pos_++;
    std::string value;
    while (!AtEnd() && Peek() != '"') {
      if (Peek() == '\\') {
        ++pos_;
        if (Peek() != '"' && Peek() != '\\') {
          Fail(pos_ - 1, "unknown escape in option value; use \\\" or \\\\");
          return std::nullopt;
        }
      }
      value += text_[pos_++];
    }
    if (AtEnd()) {
      Fail(open, "unterminated string");
      return std::nullopt;
    }
    ++pos_;
    return value;
  }

  std::string_view text_;
  const PassRegistry& registry_;
  int nesting_ = 0;
  size_t pos_ = 0;
  std::optional<Status> error_;
};

}  // namespace

std::string PipelineLocation(int line, int column) {
  return "pipeline:" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

std::string PipelineElement::ToString() const {
  if (!is_fixpoint()) return name + options.ToString();
  std::string out = name;
  if (max_iterations != kDefaultFixpointMaxIterations) {
    out += "{max=" + std::to_string(max_iterations) + "}";
  }
  out += "(";
  for (size_t i = 0; i < children.size(); ++i) {
    if (i) out += ",";
    out += children[i].ToString();
  }
  return out + ")";
}

std::string Pipeline::ToString() const {
  std::string out;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ",";
    out += elements[i].ToString();
  }
  return out;
}

Expected<Pipeline> ParsePipeline(std::string_view text, const PassRegistry& registry) {
  return PipelineParser(text, registry).Parse();
}

}  // namespace kiln
