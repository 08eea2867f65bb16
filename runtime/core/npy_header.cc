#include "runtime/core/npy_header.h"

#include <cstdio>
#include <limits>

namespace kiln::rt {
namespace {

// numpy.lib.format.GROWTH_AXIS_MAX_DIGITS: room reserved after the dict so the first axis can
// grow in place.
constexpr size_t kGrowthAxisMaxDigits = 21;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_';
}

// A cursor over the dict text; every Parse* returns an error Status or advances past the token.
class DictParser {
 public:
  explicit DictParser(std::string_view text) : text_(text) {}

  Result<NpyHeaderDict> Parse() {
    SkipSpace();
    if (!Consume('{')) return Error("header is not a dict (expected '{')");
    NpyHeaderDict dict;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    while (true) {
      SkipSpace();
      if (Consume('}')) break;
      std::string key;
      if (Status s = ParseString(key, "a key"); !s.ok()) return s;
      SkipSpace();
      if (!Consume(':')) return Error("expected ':' after key '" + PrintableForMessage(key) + "'");
      SkipSpace();
      Status s;
      if (key == "descr") {
        if (seen_descr) return Error("duplicate key 'descr' in header");
        seen_descr = true;
        if (Peek() == '[') {
          return Error("structured dtypes are not supported (descr is a list of fields)");
        }
        s = ParseString(dict.descr, "a string for 'descr'");
      } else if (key == "fortran_order") {
        if (seen_fortran) return Error("duplicate key 'fortran_order' in header");
        seen_fortran = true;
        s = ParseBool(dict.fortran_order);
      } else if (key == "shape") {
        if (seen_shape) return Error("duplicate key 'shape' in header");
        seen_shape = true;
        s = ParseShape(dict.shape);
      } else {
        return Error("unexpected key '" + PrintableForMessage(key) + "' in header");
      }
      if (!s.ok()) return s;
      SkipSpace();
      if (Consume(',')) continue;
      if (Peek() != '}') return Error("expected ',' or '}' after the value of '" + key + "'");
    }
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the header dict");
    if (!seen_descr) return Error("header has no 'descr'");
    if (!seen_fortran) return Error("header has no 'fortran_order'");
    if (!seen_shape) return Error("header has no 'shape'");
    return dict;
  }

 private:
  static Status Error(std::string message) { return Status::Error(std::move(message)); }

  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool Consume(char c) {
    if (Peek() != c || pos_ >= text_.size()) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  // A Python string literal without escapes (numpy never writes any).
  Status ParseString(std::string& out, const char* what) {
    char quote = Peek();
    if (quote != '\'' && quote != '"') return Error(std::string("expected ") + what);
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) return Error("unterminated string in header");
    std::string_view body = text_.substr(pos_ + 1, end - pos_ - 1);
    if (body.find('\\') != std::string_view::npos) {
      return Error("escape sequences are not supported in header strings");
    }
    out.assign(body);
    pos_ = end + 1;
    return Status::Ok();
  }

  Status ParseBool(bool& out) {
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    if (word == "True") {
      out = true;
    } else if (word == "False") {
      out = false;
    } else {
      return Error("'fortran_order' must be True or False");
    }
    return Status::Ok();
  }

  // A tuple of non-negative integers: (), (3,), (2, 3), (2, 3,). Python 2's "3L" is accepted.
  Status ParseShape(std::vector<int64_t>& out) {
    if (!Consume('(')) return Error("'shape' must be a tuple such as (2, 3)");
    bool had_comma = false;
    while (true) {
      SkipSpace();
      if (Consume(')')) break;
      if (Peek() == '-') return Error("'shape' has a negative dimension");
      if (!IsDigit(Peek())) return Error("'shape' must be a tuple of integers");
      int64_t dim = 0;
      while (IsDigit(Peek())) {
        int digit = Peek() - '0';
        if (dim > (std::numeric_limits<int64_t>::max() - digit) / 10) {
          return Error("'shape' has a dimension too large for int64");
        }
        dim = dim * 10 + digit;
        ++pos_;
      }
      if (Peek() == 'L' || Peek() == 'l') ++pos_;
      out.push_back(dim);
      SkipSpace();
      if (Consume(',')) {
        had_comma = true;
        continue;
      }
      if (!Consume(')')) return Error("expected ',' or ')' in 'shape'");
      break;
    }
    // "(3)" is the integer 3 in Python, not a tuple.
    if (out.size() == 1 && !had_comma) return Error("'shape' must be a tuple, e.g. (3,) not (3)");
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<NpyHeaderDict> ParseNpyHeaderDict(std::string_view text) { return DictParser(text).Parse(); }

std::string FormatNpyHeaderDict(std::string_view descr, const std::vector<int64_t>& shape) {
  // Python's repr of a tuple: (), (3,), (2, 3).
  std::string shape_text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) shape_text += ", ";
    shape_text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) shape_text += ",";
  shape_text += ")";

  std::string text = "{'descr': '" + std::string(descr) +
                     "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  if (!shape.empty()) {
    size_t digits = std::to_string(shape[0]).size();
    if (digits < kGrowthAxisMaxDigits) text.append(kGrowthAxisMaxDigits - digits, ' ');
  }
  return text;
}

std::string PrintableForMessage(std::string_view text) {
  constexpr size_t kMaxChars = 40;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMaxChars; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  if (text.size() > kMaxChars) out += "...";
  return out;
}

}  // namespace kiln::rt
