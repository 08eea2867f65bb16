#include "ir/parser.h"

#include <cassert>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/lexer.h"
#include "ir/printer.h"
#include "ir/type_parser.h"

namespace kiln::ir {
namespace {

// Regions nest graphs; the cap bounds recursion on hostile input.
constexpr int kMaxNesting = 64;

bool IsAllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// "1 operand", "2 to 3 operands", "at least 1 operand".
std::string CountText(int min, int max, std::string_view noun) {
  auto plural = [&](int n) { return std::string(noun) + (n == 1 ? "" : "s"); };
  if (max < 0) return "at least " + std::to_string(min) + " " + plural(min);
  if (min == max) return std::to_string(min) + " " + plural(min);
  return std::to_string(min) + " to " + std::to_string(max) + " " + plural(max);
}

std::string_view AttrKindText(AttrKind kind) {
  switch (kind) {
    case AttrKind::kInt:
      return "an int";
    case AttrKind::kFloat:
      return "a float";
    case AttrKind::kString:
      return "a string";
    case AttrKind::kInts:
      return "a list of ints";
    case AttrKind::kFloats:
      return "a list of floats";
    case AttrKind::kStrings:
      return "a list of strings";
  }
  return "a value";
}

class GraphParser {
 public:
  GraphParser(std::string_view text, std::string_view filename, Context& ctx)
      : in_(text, filename), ctx_(ctx) {}

  Expected<std::unique_ptr<Graph>> Run() {
    std::unique_ptr<Graph> root;
    if (ParseGraphDef(nullptr, &root) && ParseFileTail(*root) && CheckConstantData()) {
      return root;
    }
    return Status::Error(in_.error());
  }

 private:
  // --- Values in scope -------------------------------------------------------------------
  // Names map to values; a name reserved by an op's result list maps to null until the op is
  // complete, so the op (and its regions) cannot use its own results.
  class Scope {
   public:
    explicit Scope(GraphParser& p) : p_(p) { p_.scopes_.emplace_back(); }
    ~Scope() {
      for (const std::string& name : p_.scopes_.back()) p_.values_.erase(name);
      p_.scopes_.pop_back();
    }

   private:
    GraphParser& p_;
  };

  bool Reserve(const Token& id) {
    if (id.value.empty()) return in_.Fail(id, "empty value name");
    auto [it, inserted] = values_.try_emplace(id.value, nullptr);
    if (!inserted) return in_.Fail(id, "redefinition of value " + Quoted(id.text));
    scopes_.back().push_back(id.value);
    return true;
  }

  void Bind(const Token& id, Value* v) {
    values_[id.value] = v;
    if (!IsAllDigits(id.value)) v->set_name(id.value);
  }

  bool Lookup(const Token& id, Value** out) {
    auto it = values_.find(id.value);
    if (it == values_.end() || it->second == nullptr) {
      return in_.Fail(id, "use of undefined value " + Quoted(id.text));
    }
    *out = it->second;
    return true;
  }

  // --- Graphs ----------------------------------------------------------------------------
  // 'graph' global '(' inputs ')' '->' '(' types ')' body. Creates a region of `parent`, or
  // the root graph when `parent` is null.
  bool ParseGraphDef(Op* parent, std::unique_ptr<Graph>* root) {
    const Token keyword = in_.Peek();
    if (!in_.ExpectIdent("graph")) return false;
    if (depth_ >= kMaxNesting) {
      return in_.Fail(keyword,
                      "graphs nested too deeply (limit " + std::to_string(kMaxNesting) + ")");
    }
    Token name;
    if (!in_.Expect(TokenKind::kGlobal, "graph name (@name)", &name)) return false;
    assert((parent != nullptr || root != nullptr) && "a graph needs a parent op or a root slot");
    Graph* g = nullptr;
    if (parent) {
      g = &parent->AddRegion(name.value);
    } else {
      *root = std::make_unique<Graph>(ctx_, name.value);
      g = root->get();
    }
    Scope scope(*this);
    ++depth_;
    bool ok = ParseInputs(*g) && ParseBody(*g);
    --depth_;
    return ok;
  }

  bool ParseInputs(Graph& g) {
    if (!in_.Expect(TokenKind::kLParen, "'('")) return false;
    while (!in_.Peek().Is(TokenKind::kRParen)) {
      if (g.num_inputs() > 0 && !in_.Expect(TokenKind::kComma, "',' or ')'")) return false;
      Token id;
      const TensorType* type = nullptr;
      if (!in_.Expect(TokenKind::kValue, "input name (%name)", &id) || !Reserve(id) ||
          !in_.Expect(TokenKind::kColon, "':'") || !ParseType(in_, ctx_, &type)) {
        return false;
      }
      Bind(id, g.AddInput("", type));
    }
    in_.Take();
    return true;
  }

  bool ParseTypeList(std::vector<const TensorType*>* types) {
    while (true) {
      const TensorType* type = nullptr;
      if (!ParseType(in_, ctx_, &type)) return false;
      types->push_back(type);
      if (!in_.Peek().Is(TokenKind::kComma)) return true;
      in_.Take();
    }
  }

  // '->' '(' types ')' '{' stmt* 'return' results '}'
  bool ParseBody(Graph& g) {
    std::vector<const TensorType*> output_types;
    if (!in_.Expect(TokenKind::kArrow, "'->'") || !in_.Expect(TokenKind::kLParen, "'('")) {
      return false;
    }
    if (!in_.Peek().Is(TokenKind::kRParen) && !ParseTypeList(&output_types)) return false;
    if (!in_.Expect(TokenKind::kRParen, "',' or ')'") || !in_.Expect(TokenKind::kLBrace, "'{'")) {
      return false;
    }
    while (!in_.Peek().IsIdent("return")) {
      const Token& t = in_.Peek();
      if (!t.Is(TokenKind::kValue) && !t.Is(TokenKind::kIdent)) {
        return in_.Fail(t, "expected op, const or 'return'");
      }
      if (!ParseStatement(g)) return false;
    }
    return ParseReturn(g, output_types) && in_.Expect(TokenKind::kRBrace, "'}'");
  }

  bool ParseReturn(Graph& g, const std::vector<const TensorType*>& types) {
    const Token keyword = in_.Take();
    struct Result {
      Token id;
      Value* value;
      std::string name;
    };
    std::vector<Result> results;
    while (in_.Peek().Is(TokenKind::kValue)) {
      Result r{in_.Take(), nullptr, ""};
      if (!Lookup(r.id, &r.value)) return false;
      r.name = r.value->name();
      if (in_.Peek().IsIdent("as")) {
        in_.Take();
        Token name;
        if (!in_.Expect(TokenKind::kString, "output name string", &name)) return false;
        r.name = name.value;
      }
      results.push_back(std::move(r));
      if (!in_.Peek().Is(TokenKind::kComma)) break;
      in_.Take();
      if (!in_.Peek().Is(TokenKind::kValue)) return in_.Fail(in_.Peek(), "expected returned value");
    }
    if (results.size() != types.size()) {
      return in_.Fail(keyword, "expected " +
                                   CountText(static_cast<int>(types.size()),
                                             static_cast<int>(types.size()), "return value") +
                                   ", got " + std::to_string(results.size()));
    }
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].value->type() != types[i]) {
        return in_.Fail(results[i].id, "returned value " + Quoted(results[i].id.text) +
                                           " has type " + PrintType(*results[i].value->type()) +
                                           ", expected " + PrintType(*types[i]));
      }
    }
    for (Result& r : results) g.AddOutput(r.value, std::move(r.name));
    return true;
  }

  // --- Statements ------------------------------------------------------------------------
  bool ParseStatement(Graph& g) {
    std::vector<Token> ids;
    while (in_.Peek().Is(TokenKind::kValue)) {
      ids.push_back(in_.Take());
      if (!Reserve(ids.back())) return false;
      if (!in_.Peek().Is(TokenKind::kComma)) break;
      in_.Take();
      if (!in_.Peek().Is(TokenKind::kValue)) return in_.Fail(in_.Peek(), "expected value name");
    }
    if (!ids.empty() && !in_.Expect(TokenKind::kEqual, "'=' or ','")) return false;
    if (!ids.empty() && in_.Peek().IsIdent("const")) return ParseConst(g, ids);
    return ParseOp(g, ids);
  }

  // %v = const @name : type
  bool ParseConst(Graph& g, const std::vector<Token>& ids) {
    in_.Take();
    if (ids.size() != 1) return in_.Fail(ids[1], "'const' defines exactly one value");
    Token name;
    if (!in_.Expect(TokenKind::kGlobal, "constant name (@name)", &name) ||
        !in_.Expect(TokenKind::kColon, "':'")) {
      return false;
    }
    if (name.value.empty()) return in_.Fail(name, "empty constant name");
    const Token type_at = in_.Peek();
    const TensorType* type = nullptr;
    if (!ParseType(in_, ctx_, &type)) return false;
    if (!type->shape().is_static()) {
      return in_.Fail(type_at, "constant type must have a static shape, got " + PrintType(*type));
    }
    ConstantPool& pool = g.pool();
    Constant* c = pool.Find(name.value);
    if (c && c->type != type) {
      return in_.Fail(type_at, "constant " + Quoted(name.text) + " was declared with type " +
                                   PrintType(*c->type) + ", got " + PrintType(*type));
    }
    if (!c) {
      c = pool.Add(name.value, type, nullptr);
      declared_at_.emplace_back(c, name);
    }
    Bind(ids[0], g.AddConstantRef(c));
    return true;
  }

  bool CheckCount(const Token& op_name, int got, int min, int max, std::string_view noun) {
    if (got >= min && (max < 0 || got <= max)) return true;
    return in_.Fail(op_name, Quoted(op_name.text) + " expects " + CountText(min, max, noun) +
                                 ", got " + std::to_string(got));
  }

  // [ids '='] op-name '(' operands ')' [attrs] [':' types] [regions] ['loc' '(' string ')']
  bool ParseOp(Graph& g, const std::vector<Token>& ids) {
    const Token op_name = in_.Peek();
    if (!op_name.Is(TokenKind::kIdent)) return in_.Fail(op_name, "expected op name");
    std::optional<OpKind> kind = ParseOpKind(op_name.text);
    if (!kind) return in_.Fail(op_name, "unknown op " + Quoted(op_name.text));
    in_.Take();
    const OpSchema& schema = GetOpSchema(*kind);
    std::vector<Value*> operands;
    AttrMap attrs;
    std::vector<const TensorType*> types;
    if (!CheckCount(op_name, static_cast<int>(ids.size()), schema.min_results, schema.max_results,
                    "result") ||
        !ParseOperands(&operands) ||
        !CheckCount(op_name, static_cast<int>(operands.size()), schema.min_operands,
                    schema.max_operands, "operand")) {
      return false;
    }
    bool has_attrs = in_.Peek().Is(TokenKind::kLBrace) &&
                     !(in_.Peek(1).IsIdent("graph") && in_.Peek(2).Is(TokenKind::kGlobal));
    if (has_attrs && !ParseAttrs(schema, &attrs)) return false;
    if (in_.Peek().Is(TokenKind::kColon)) {
      const Token colon = in_.Take();
      if (!ParseTypeList(&types)) return false;
      if (types.size() != ids.size()) {
        return in_.Fail(colon, "expected " +
                                   CountText(static_cast<int>(ids.size()),
                                             static_cast<int>(ids.size()), "result type") +
                                   ", got " + std::to_string(types.size()));
      }
    } else if (!ids.empty()) {
      return in_.Fail(in_.Peek(), "expected ':' and result types");
    }
    Op* op = g.CreateOp(*kind, std::move(operands), types, std::move(attrs));
    if (!ParseRegions(op) ||
        !CheckCount(op_name, op->num_regions(), schema.num_regions, schema.num_regions, "region")) {
      return false;
    }
    if (in_.Peek().IsIdent("loc")) {
      in_.Take();
      Token loc;
      if (!in_.Expect(TokenKind::kLParen, "'('") ||
          !in_.Expect(TokenKind::kString, "location string", &loc) ||
          !in_.Expect(TokenKind::kRParen, "')'")) {
        return false;
      }
      op->set_name(loc.value);
    }
    for (size_t i = 0; i < ids.size(); ++i) Bind(ids[i], op->result(static_cast<int>(i)));
    return true;
  }

  bool ParseOperands(std::vector<Value*>* operands) {
    if (!in_.Expect(TokenKind::kLParen, "'('")) return false;
    while (!in_.Peek().Is(TokenKind::kRParen)) {
      if (!operands->empty() && !in_.Expect(TokenKind::kComma, "',' or ')'")) return false;
      Token t = in_.Take();
      Value* v = nullptr;
      if (t.Is(TokenKind::kValue)) {
        if (!Lookup(t, &v)) return false;
      } else if (!t.IsIdent("_")) {
        return in_.Fail(t, "expected operand (%value or '_')");
      }
      operands->push_back(v);
    }
    in_.Take();
    return true;
  }

  // '{' graph+ '}'
  bool ParseRegions(Op* op) {
    if (!in_.Peek().Is(TokenKind::kLBrace)) return true;
    in_.Take();
    do {
      if (!ParseGraphDef(op, nullptr)) return false;
    } while (in_.Peek().IsIdent("graph"));
    return in_.Expect(TokenKind::kRBrace, "'graph' or '}'");
  }

  // --- Attributes ------------------------------------------------------------------------
  bool ParseAttrs(const OpSchema& schema, AttrMap* attrs) {
    in_.Take();
    while (true) {
      const Token name = in_.Peek();
      if (!in_.Expect(TokenKind::kIdent, "attribute name")) return false;
      const AttrSchema* attr = schema.FindAttr(name.text);
      if (!attr) {
        return in_.Fail(name,
                        "unknown attribute " + Quoted(name.text) + " for " + Quoted(schema.name));
      }
      if (attrs->Has(name.text)) return in_.Fail(name, "duplicate attribute " + Quoted(name.text));
      AttrValue value;
      if (!in_.Expect(TokenKind::kEqual, "'='") || !ParseAttrValue(*attr, &value)) return false;
      attrs->Set(name.text, std::move(value));
      if (!in_.Peek().Is(TokenKind::kComma)) break;
      in_.Take();
    }
    return in_.Expect(TokenKind::kRBrace, "',' or '}'");
  }

  // One attribute value of the kind the schema gives (`[]` and ints for floats included).
  bool ParseAttrValue(const AttrSchema& attr, AttrValue* out) {
    std::string expects =
        "attribute " + Quoted(attr.name) + " expects " + std::string(AttrKindText(attr.kind));
    auto scalar_int = [&](int64_t* v) {
      if (!in_.Peek().Is(TokenKind::kInt)) return in_.Fail(in_.Peek(), expects);
      return ParseInt(in_, "integer", std::numeric_limits<int64_t>::min(),
                      std::numeric_limits<int64_t>::max(), v);
    };
    auto scalar_float = [&](double* v) {
      const Token& t = in_.Peek();
      bool number =
          t.Is(TokenKind::kInt) || t.Is(TokenKind::kFloat) || t.IsIdent("inf") || t.IsIdent("nan");
      return number ? ParseDouble(in_, "float", v) : in_.Fail(t, expects);
    };
    auto scalar_string = [&](std::string* v) {
      if (!in_.Peek().Is(TokenKind::kString)) return in_.Fail(in_.Peek(), expects);
      *v = in_.Take().value;
      return true;
    };
    switch (attr.kind) {
      case AttrKind::kInt:
        return Emplace<int64_t>(out, scalar_int);
      case AttrKind::kFloat:
        return Emplace<double>(out, scalar_float);
      case AttrKind::kString:
        return Emplace<std::string>(out, scalar_string);
      case AttrKind::kInts:
        return EmplaceList<int64_t>(out, expects, scalar_int);
      case AttrKind::kFloats:
        return EmplaceList<double>(out, expects, scalar_float);
      case AttrKind::kStrings:
        return EmplaceList<std::string>(out, expects, scalar_string);
    }
    return false;
  }

  template <typename T, typename F>
  bool Emplace(AttrValue* out, F parse) {
    T v{};
    if (!parse(&v)) return false;
    *out = std::move(v);
    return true;
  }

  template <typename T, typename F>
  bool EmplaceList(AttrValue* out, const std::string& expects, F parse) {
    if (!in_.Peek().Is(TokenKind::kLBracket)) return in_.Fail(in_.Peek(), expects);
    in_.Take();
    std::vector<T> items;
    while (!in_.Peek().Is(TokenKind::kRBracket)) {
      if (!items.empty() && !in_.Expect(TokenKind::kComma, "',' or ']'")) return false;
      T v{};
      if (!parse(&v)) return false;
      items.push_back(std::move(v));
    }
    in_.Take();
    *out = std::move(items);
    return true;
  }

  // --- Constants section -----------------------------------------------------------------
  bool ParseFileTail(Graph& root) {
    if (in_.Peek().IsIdent("constants")) {
      in_.Take();
      if (!in_.Expect(TokenKind::kLBrace, "'{'")) return false;
      while (in_.Peek().Is(TokenKind::kGlobal)) {
        if (!ParseConstantEntry(root.pool())) return false;
      }
      if (!in_.Expect(TokenKind::kRBrace, "constant name (@name) or '}'")) return false;
      return in_.Peek().Is(TokenKind::kEof) || in_.Fail(in_.Peek(), "expected end of input");
    }
    return in_.Peek().Is(TokenKind::kEof) ||
           in_.Fail(in_.Peek(), "expected 'constants' or end of input");
  }

  bool ParseConstantEntry(ConstantPool& pool) {
    const Token name = in_.Take();
    Constant* c = pool.Find(name.value);
    if (!c) return in_.Fail(name, "constant " + Quoted(name.text) + " is not used by the graph");
    if (c->data) return in_.Fail(name, "duplicate data for constant " + Quoted(name.text));
    if (!in_.Expect(TokenKind::kEqual, "'='")) return false;
    std::vector<uint8_t> bytes;
    if (!ParseConstantData(*c->type, Quoted(name.text), &bytes)) return false;
    c->data = TensorData::FromBytes(std::move(bytes));
    return true;
  }

  bool ParseConstantData(const TensorType& type, const std::string& name,
                         std::vector<uint8_t>* bytes) {
    const Token at = in_.Peek();
    int64_t count = type.shape().num_elements().value_or(0);
    if (at.Is(TokenKind::kHex)) {
      in_.Take();
      std::string_view digits = at.text.substr(2);
      if (digits.size() % 2 != 0) return in_.Fail(at, "odd number of hex digits");
      int64_t expected = StorageBytes(type.scalar(), count);
      if (static_cast<int64_t>(digits.size() / 2) != expected) {
        return in_.Fail(at, "constant " + name + " expects " + std::to_string(expected) +
                                " bytes, got " + std::to_string(digits.size() / 2));
      }
      auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
      for (size_t i = 0; i < digits.size(); i += 2) {
        bytes->push_back(static_cast<uint8_t>(nibble(digits[i]) * 16 + nibble(digits[i + 1])));
      }
      return true;
    }
    if (at.Is(TokenKind::kLess)) {
      return in_.Fail(at, "constant " + name + " has elided data, which cannot be loaded");
    }
    if (!at.Is(TokenKind::kLBracket)) {
      return in_.Fail(at, "expected constant data ('[...]' or hex bytes)");
    }
    in_.Take();
    int64_t got = 0;
    while (!in_.Peek().Is(TokenKind::kRBracket)) {
      if (got > 0 && !in_.Expect(TokenKind::kComma, "',' or ']'")) return false;
      if (!ParseElement(type.scalar(), bytes)) return false;
      ++got;
    }
    in_.Take();
    if (got != count) {
      return in_.Fail(at, "constant " + name + " expects " + std::to_string(count) +
                              " elements, got " + std::to_string(got));
    }
    return true;
  }

  template <typename T>
  static void Append(std::vector<uint8_t>* bytes, T v) {
    uint8_t raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    bytes->insert(bytes->end(), raw, raw + sizeof(T));
  }

  template <typename T>
  bool AppendInt(std::vector<uint8_t>* bytes, std::string_view what) {
    int64_t v = 0;
    if (!ParseInt(in_, what, std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), &v)) {
      return false;
    }
    Append(bytes, static_cast<T>(v));
    return true;
  }

  bool ParseElement(ScalarType scalar, std::vector<uint8_t>* bytes) {
    switch (scalar) {
      case ScalarType::kF32: {
        float f = 0;
        if (!ParseFloat(in_, "f32 element", &f)) return false;
        Append(bytes, f);
        return true;
      }
      case ScalarType::kI8:
        return AppendInt<int8_t>(bytes, "i8 element");
      case ScalarType::kU8:
        return AppendInt<uint8_t>(bytes, "u8 element");
      case ScalarType::kI16:
        return AppendInt<int16_t>(bytes, "i16 element");
      case ScalarType::kI32:
        return AppendInt<int32_t>(bytes, "i32 element");
      case ScalarType::kI64:
        return AppendInt<int64_t>(bytes, "i64 element");
      case ScalarType::kBool: {
        int64_t v = 0;
        if (!ParseInt(in_, "bool element (0 or 1)", 0, 1, &v)) return false;
        bytes->push_back(static_cast<uint8_t>(v));
        return true;
      }
      default:
        return in_.Fail(in_.Peek(), "element lists are not supported for " +
                                        std::string(ScalarTypeName(scalar)) +
                                        " data; use hex bytes");
    }
  }

  bool CheckConstantData() {
    for (const auto& [c, name] : declared_at_) {
      if (!c->data) {
        return in_.Fail(name, "missing data for constant " + Quoted(name.text) +
                                  " (expected in the constants section)");
      }
    }
    return true;
  }

  TokenReader in_;
  Context& ctx_;
  std::unordered_map<std::string, Value*> values_;
  std::vector<std::vector<std::string>> scopes_;
  int depth_ = 0;
  // Pool entries in declaration order, with where each was first declared.
  std::vector<std::pair<Constant*, Token>> declared_at_;
};

}  // namespace

Expected<std::unique_ptr<Graph>> ParseGraph(std::string_view text, std::string_view filename,
                                            Context& ctx) {
  return GraphParser(text, filename, ctx).Run();
}

}  // namespace kiln::ir
