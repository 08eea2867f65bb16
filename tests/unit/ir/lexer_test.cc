#include "ir/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kiln::ir {
namespace {

std::vector<Token> LexAll(std::string_view text) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  for (Token t = lexer.Next();; t = lexer.Next()) {
    bool done = t.Is(TokenKind::kEof) || t.Is(TokenKind::kError);
    tokens.push_back(std::move(t));
    if (done) return tokens;
  }
}

std::vector<TokenKind> Kinds(std::string_view text) {
  std::vector<TokenKind> kinds;
  for (const Token& t : LexAll(text)) kinds.push_back(t.kind);
  return kinds;
}

using K = TokenKind;

TEST(LexerTest, OpStatement) {
  std::vector<Token> t = LexAll("%0 = conv(%x, _) {pads=[1,-1]} : f32[N,?,*] loc(\"c\")");
  std::vector<K> expected = {
      K::kValue,  K::kEqual,    K::kIdent,  K::kLParen, K::kValue,    K::kComma,    K::kIdent,
      K::kRParen, K::kLBrace,   K::kIdent,  K::kEqual,  K::kLBracket, K::kInt,      K::kComma,
      K::kInt,    K::kRBracket, K::kRBrace, K::kColon,  K::kIdent,    K::kLBracket, K::kIdent,
      K::kComma,  K::kQuestion, K::kComma,  K::kStar,   K::kRBracket, K::kIdent,    K::kLParen,
      K::kString, K::kRParen,   K::kEof};
  ASSERT_EQ(t.size(), expected.size());
  for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i].kind, expected[i]) << "token " << i;
  EXPECT_EQ(t[0].value, "0");
  EXPECT_EQ(t[2].text, "conv");
  EXPECT_EQ(t[4].value, "x");
  EXPECT_EQ(t[14].text, "-1");
  EXPECT_EQ(t[28].value, "c");
}

TEST(LexerTest, PositionsAreOneBasedLineAndColumn) {
  std::vector<Token> t = LexAll("graph @g\n  // comment ( ignored\n\t%x:\n");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].line, 1);
  EXPECT_EQ(t[0].col, 1);
  EXPECT_EQ(t[1].col, 7);
  EXPECT_EQ(t[2].line, 3);
  EXPECT_EQ(t[2].col, 2);
  EXPECT_EQ(t[3].col, 4);
  // End of input sits after the last newline.
  EXPECT_EQ(t[4].kind, K::kEof);
  EXPECT_EQ(t[4].line, 4);
  EXPECT_EQ(t[4].col, 1);
}

TEST(LexerTest, EofRepeats) {
  Lexer lexer("x");
  EXPECT_EQ(lexer.Next().kind, K::kIdent);
  EXPECT_EQ(lexer.Next().kind, K::kEof);
  EXPECT_EQ(lexer.Next().kind, K::kEof);
}

TEST(LexerTest, ValueAndGlobalNames) {
  std::vector<Token> t = LexAll("%x.y_1 %123 %\"/layer1/Conv_output_0\" @w0 @\"a\\\"b\" %_");
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[0].value, "x.y_1");
  EXPECT_EQ(t[1].value, "123");
  EXPECT_EQ(t[2].kind, K::kValue);
  EXPECT_EQ(t[2].value, "/layer1/Conv_output_0");
  EXPECT_EQ(t[3].kind, K::kGlobal);
  EXPECT_EQ(t[3].value, "w0");
  EXPECT_EQ(t[4].value, "a\"b");
  EXPECT_EQ(t[4].text, "@\"a\\\"b\"");
  EXPECT_EQ(t[5].value, "_");
}

TEST(LexerTest, Numbers) {
  std::vector<Token> t = LexAll("0 -12 1.5 -0.0 1e-05 2.5E+3 -inf inf nan 0x00ff 0x 3x");
  std::vector<K> kinds = {K::kInt,   K::kInt,   K::kFloat, K::kFloat, K::kFloat,
                          K::kFloat, K::kFloat, K::kIdent, K::kIdent, K::kHex,
                          K::kHex,   K::kInt,   K::kIdent, K::kEof};
  ASSERT_EQ(t.size(), kinds.size());
  for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i].kind, kinds[i]) << "token " << i;
  EXPECT_EQ(t[4].text, "1e-05");
  EXPECT_EQ(t[6].text, "-inf");
  EXPECT_EQ(t[9].text, "0x00ff");
}

TEST(LexerTest, ArrowAndMinus) {
  EXPECT_EQ(Kinds(") -> ("), (std::vector<K>{K::kRParen, K::kArrow, K::kLParen, K::kEof}));
  EXPECT_EQ(Kinds("-infinity").back(), K::kError);
}

TEST(LexerTest, StringEscapes) {
  std::vector<Token> t = LexAll(R"("a\"b\\c\nd\te\x41\x7f" "")");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].value, std::string("a\"b\\c\nd\teA\x7f"));
  EXPECT_EQ(t[1].value, "");
}

TEST(LexerTest, InvalidUtf8InStringIsKept) {
  std::vector<Token> t = LexAll("\"\xff\xfe\"");
  ASSERT_EQ(t[0].kind, K::kString);
  EXPECT_EQ(t[0].value, "\xff\xfe");
}

struct ErrorCase {
  const char* text;
  int col;
  const char* message;
};

TEST(LexerTest, Errors) {
  const ErrorCase cases[] = {
      {"x \"abc", 3, "unterminated string"},
      {"\"ab\ncd\"", 1, "unterminated string"},
      {"\"a\\qb\"", 3, "invalid escape sequence in string"},
      {"\"\\x4\"", 2, "invalid escape sequence in string"},
      {"a $", 3, "unexpected character '$'"},
      {"\x80", 1, "unexpected character '\\x80'"},
      {"/x", 1, "unexpected character '/'"},
      {"% x", 1, "expected a name after '%'"},
      {"@1", 1, "expected a name after '@'"},
      {"%1a", 1,
       "invalid value name '%1a' (a name starting with a digit is all digits, or quoted)"},
      {"%\"x", 2, "unterminated string"},
      {".5", 1, "unexpected character '.'"},
  };
  for (const ErrorCase& c : cases) {
    std::vector<Token> t = LexAll(c.text);
    ASSERT_EQ(t.back().kind, K::kError) << c.text;
    EXPECT_EQ(t.back().col, c.col) << c.text;
    EXPECT_EQ(t.back().value, c.message) << c.text;
  }
}

TEST(TokenReaderTest, PeekTakeAndExpect) {
  TokenReader in("( a )", "t.kir");
  EXPECT_TRUE(in.Peek(2).Is(K::kRParen));
  EXPECT_TRUE(in.Expect(K::kLParen, "'('"));
  EXPECT_TRUE(in.ExpectIdent("a"));
  EXPECT_FALSE(in.Expect(K::kComma, "','"));
  EXPECT_EQ(in.error(), "t.kir:1:5: expected ','");
}

TEST(TokenReaderTest, KeepsFirstErrorAndPrefersLexerMessages) {
  TokenReader in("\n  \"open", "f.kir");
  EXPECT_FALSE(in.Expect(K::kString, "string"));
  EXPECT_FALSE(in.Fail(in.Peek(), "second"));
  EXPECT_TRUE(in.failed());
  EXPECT_EQ(in.error(), "f.kir:2:3: unterminated string");
}

TEST(TokenKindNameTest, ReadsWell) {
  EXPECT_EQ(TokenKindName(K::kEof), "end of input");
  EXPECT_EQ(TokenKindName(K::kArrow), "'->'");
}

}  // namespace
}  // namespace kiln::ir
