#include "ir/lexer.h"

#include <cstdio>

namespace kiln::ir {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '.'; }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

std::string DescribeChar(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof(buf), "'\\x%02x'", u);
  return buf;
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kError:
      return "invalid token";
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kValue:
      return "value";
    case TokenKind::kGlobal:
      return "global name";
    case TokenKind::kInt:
      return "integer";
    case TokenKind::kFloat:
      return "float";
    case TokenKind::kString:
      return "string";
    case TokenKind::kHex:
      return "hex bytes";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBrace:
      return "'{'";
    case TokenKind::kRBrace:
      return "'}'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kLess:
      return "'<'";
    case TokenKind::kGreater:
      return "'>'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kEqual:
      return "'='";
    case TokenKind::kArrow:
      return "'->'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kQuestion:
      return "'?'";
  }
  return "token";
}

void Lexer::Advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < src_.size(); ++i, ++pos_) {
    if (src_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
  }
}

void Lexer::SkipSpaceAndComments() {
  while (!AtEnd()) {
    char c = PeekChar();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      Advance();
    } else if (c == '/' && PeekChar(1) == '/') {
      while (!AtEnd() && PeekChar() != '\n') Advance();
    } else {
      return;
    }
  }
}

Token Lexer::Make(TokenKind kind, size_t start, int line, int col) const {
  Token t;
  t.kind = kind;
  t.text = src_.substr(start, pos_ - start);
  t.line = line;
  t.col = col;
  return t;
}

Token Lexer::Error(std::string message, size_t start, int line, int col) {
  if (pos_ == start) Advance();  // always make progress
  Token t = Make(TokenKind::kError, start, line, col);
  t.value = std::move(message);
  return t;
}

Token Lexer::LexNumber(size_t start, int line, int col) {
  if (PeekChar() == '-') Advance();
  if (pos_ == start && PeekChar() == '0' && PeekChar(1) == 'x') {
    Advance(2);
    while (IsHexDigit(PeekChar())) Advance();
    return Make(TokenKind::kHex, start, line, col);
  }
  while (IsDigit(PeekChar())) Advance();
  bool is_float = false;
  if (PeekChar() == '.' && IsDigit(PeekChar(1))) {
    is_float = true;
    Advance();
    while (IsDigit(PeekChar())) Advance();
  }
  char e = PeekChar();
  if (e == 'e' || e == 'E') {
    size_t digits = (PeekChar(1) == '+' || PeekChar(1) == '-') ? 2 : 1;
    if (IsDigit(PeekChar(digits))) {
      is_float = true;
      Advance(digits);
      while (IsDigit(PeekChar())) Advance();
    }
  }
  return Make(is_float ? TokenKind::kFloat : TokenKind::kInt, start, line, col);
}

bool Lexer::LexString(std::string& out, Token* error) {
  size_t start = pos_;
  int line = line_, col = col_;
  Advance();  // opening quote
  while (true) {
    if (AtEnd() || PeekChar() == '\n') {
      *error = Make(TokenKind::kError, start, line, col);
      error->value = "unterminated string";
      return false;
    }
    char c = PeekChar();
    if (c == '"') {
      Advance();
      return true;
    }
    if (c != '\\') {
      out += c;
      Advance();
      continue;
    }
    char next = PeekChar(1);
    if (next == '"' || next == '\\') {
      out += next;
    } else if (next == 'n') {
      out += '\n';
    } else if (next == 't') {
      out += '\t';
    } else if (next == 'x' && IsHexDigit(PeekChar(2)) && IsHexDigit(PeekChar(3))) {
      out += static_cast<char>(HexValue(PeekChar(2)) * 16 + HexValue(PeekChar(3)));
      Advance(2);
    } else {
      size_t at = pos_;
      int at_line = line_, at_col = col_;
      *error = Error("invalid escape sequence in string", at, at_line, at_col);
      return false;
    }
    Advance(2);
  }
}

Token Lexer::LexSigil(TokenKind kind, size_t start, int line, int col) {
  char sigil = PeekChar();
  Advance();
  std::string name;
  char c = PeekChar();
  if (c == '"') {
    Token error;
    if (!LexString(name, &error)) return error;
  } else if (kind == TokenKind::kValue && IsDigit(c)) {
    while (IsDigit(PeekChar())) Advance();
    if (IsIdentChar(PeekChar())) {
      while (IsIdentChar(PeekChar())) Advance();
      return Error("invalid value name '" + std::string(src_.substr(start, pos_ - start)) +
                       "' (a name starting with a digit is all digits, or quoted)",
                   start, line, col);
    }
    name = std::string(src_.substr(start + 1, pos_ - start - 1));
  } else if (IsIdentStart(c)) {
    while (IsIdentChar(PeekChar())) Advance();
    name = std::string(src_.substr(start + 1, pos_ - start - 1));
  } else {
    return Error(std::string("expected a name after '") + sigil + "'", start, line, col);
  }
  Token t = Make(kind, start, line, col);
  t.value = std::move(name);
  return t;
}

Token Lexer::Next() {
  SkipSpaceAndComments();
  size_t start = pos_;
  int line = line_, col = col_;
  if (AtEnd()) return Make(TokenKind::kEof, start, line, col);

  char c = PeekChar();
  auto single = [&](TokenKind kind) {
    Advance();
    return Make(kind, start, line, col);
  };
  switch (c) {
    case '(':
      return single(TokenKind::kLParen);
    case ')':
      return single(TokenKind::kRParen);
    case '{':
      return single(TokenKind::kLBrace);
    case '}':
      return single(TokenKind::kRBrace);
    case '[':
      return single(TokenKind::kLBracket);
    case ']':
      return single(TokenKind::kRBracket);
    case '<':
      return single(TokenKind::kLess);
    case '>':
      return single(TokenKind::kGreater);
    case ',':
      return single(TokenKind::kComma);
    case ':':
      return single(TokenKind::kColon);
    case '=':
      return single(TokenKind::kEqual);
    case '*':
      return single(TokenKind::kStar);
    case '?':
      return single(TokenKind::kQuestion);
    case '%':
      return LexSigil(TokenKind::kValue, start, line, col);
    case '@':
      return LexSigil(TokenKind::kGlobal, start, line, col);
    case '"': {
      Token error;
      std::string contents;
      if (!LexString(contents, &error)) return error;
      Token t = Make(TokenKind::kString, start, line, col);
      t.value = std::move(contents);
      return t;
    }
    case '-':
      if (PeekChar(1) == '>') {
        Advance(2);
        return Make(TokenKind::kArrow, start, line, col);
      }
      if (src_.substr(pos_ + 1, 3) == "inf" && !IsIdentChar(PeekChar(4))) {
        Advance(4);
        return Make(TokenKind::kFloat, start, line, col);
      }
      if (IsDigit(PeekChar(1))) return LexNumber(start, line, col);
      break;
    default:
      if (IsDigit(c)) return LexNumber(start, line, col);
      if (IsIdentStart(c)) {
        while (IsIdentChar(PeekChar())) Advance();
        return Make(TokenKind::kIdent, start, line, col);
      }
  }
  return Error("unexpected character " + DescribeChar(c), start, line, col);
}

const Token& TokenReader::Peek(int ahead) {
  while (static_cast<int>(ahead_.size()) <= ahead) ahead_.push_back(lexer_.Next());
  return ahead_[ahead];
}

Token TokenReader::Take() {
  Peek();
  Token t = std::move(ahead_.front());
  ahead_.pop_front();
  return t;
}

bool TokenReader::Expect(TokenKind kind, std::string_view what, Token* out) {
  if (!Peek().Is(kind)) return Fail(Peek(), "expected " + std::string(what));
  Token t = Take();
  if (out) *out = std::move(t);
  return true;
}

bool TokenReader::ExpectIdent(std::string_view word) {
  if (!Peek().IsIdent(word)) return Fail(Peek(), "expected '" + std::string(word) + "'");
  Take();
  return true;
}

bool TokenReader::Fail(const Token& at, std::string_view message) {
  if (failed_) return false;
  failed_ = true;
  std::string_view text = at.Is(TokenKind::kError) ? std::string_view(at.value) : message;
  error_ = std::string(filename_) + ":" + std::to_string(at.line) + ":" + std::to_string(at.col) +
           ": " + std::string(text);
  return false;
}

}  // namespace kiln::ir
