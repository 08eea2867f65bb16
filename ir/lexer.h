// Tokens of Kiln's textual IR (docs/ir.md), with 1-based line:col positions, and a reader
// that gives parsers lookahead and keeps the first error.
//
// The lexer never fails outright: a malformed token comes back as kError with the message in
// `value`, so the parser reports it only when it reaches that token (errors stay in file order).
//
//   Lexer lexer("%0 = relu(%x) : f32[4]");
//   for (Token t = lexer.Next(); t.kind != TokenKind::kEof; t = lexer.Next()) { ... }
//   // kValue "%0" (value "0"), kEqual, kIdent "relu", kLParen, kValue "%x", ...
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace kiln::ir {

enum class TokenKind : uint8_t {
  kEof,
  kError,   // malformed input; `value` holds the message
  kIdent,   // [A-Za-z_][A-Za-z0-9_.]*, also keywords, `_`, `inf` and `nan`
  kValue,   // %name, %123 or %"quoted"; `value` is the name
  kGlobal,  // @name or @"quoted"; `value` is the name
  kInt,     // -?[0-9]+
  kFloat,   // -?[0-9]+ with '.' and/or exponent, or -inf
  kString,  // "..."; `value` is the unescaped contents
  kHex,     // 0x[0-9a-fA-F]*
  kLParen,
  kRParen,
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kLess,
  kGreater,
  kComma,
  kColon,
  kEqual,
  kArrow,
  kStar,
  kQuestion,
};

// How a token kind reads in messages: "identifier", "'('", "end of input".
std::string_view TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string_view text;  // the token's source text
  std::string value;      // decoded name/string contents, or the error message
  int line = 1;
  int col = 1;

  bool Is(TokenKind k) const { return kind == k; }
  bool IsIdent(std::string_view word) const { return kind == TokenKind::kIdent && text == word; }
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}
  // The next token; kEof (at the end position) forever once the input is exhausted.
  Token Next();

 private:
  char PeekChar(size_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }
  bool AtEnd(size_t ahead = 0) const { return pos_ + ahead >= src_.size(); }
  void Advance(size_t n = 1);
  void SkipSpaceAndComments();
  Token Make(TokenKind kind, size_t start, int line, int col) const;
  Token Error(std::string message, size_t start, int line, int col);
  Token LexNumber(size_t start, int line, int col);
  Token LexSigil(TokenKind kind, size_t start, int line, int col);
  // Reads a "..." string at pos_ into `out`; on failure returns false with `*error` set to a
  // kError token.
  bool LexString(std::string& out, Token* error);

  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

// A token cursor for recursive-descent parsing: lookahead, and the first error as
// `file:line:col: message`. Once an error is recorded, later ones are ignored.
class TokenReader {
 public:
  TokenReader(std::string_view source, std::string_view filename)
      : lexer_(source), filename_(filename) {}

  const Token& Peek(int ahead = 0);
  Token Take();
  // Takes the next token if it has `kind`; otherwise records "expected <what>" at it.
  bool Expect(TokenKind kind, std::string_view what, Token* out = nullptr);
  // Takes the next token if it is the identifier `word`; otherwise "expected '<word>'".
  bool ExpectIdent(std::string_view word);

  // Records `message` at `at` (the lexer's own message when `at` is a kError token);
  // always returns false so callers can `return Fail(...)`.
  bool Fail(const Token& at, std::string_view message);
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }

 private:
  Lexer lexer_;
  std::string_view filename_;
  std::deque<Token> ahead_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace kiln::ir
