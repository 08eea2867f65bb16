#include "ir/type_parser.h"

#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace kiln::ir {
namespace {

std::string OutOfRange(std::string_view what, const Token& t) {
  return std::string(what) + " '" + std::string(t.text) + "' is out of range";
}

bool IsNumberToken(const Token& t) {
  return t.Is(TokenKind::kInt) || t.Is(TokenKind::kFloat) || t.IsIdent("inf") || t.IsIdent("nan");
}

template <typename T>
bool ParseReal(TokenReader& in, std::string_view what, T* out) {
  const Token& t = in.Peek();
  if (!IsNumberToken(t)) return in.Fail(t, "expected " + std::string(what));
  if (t.text == "nan") {
    *out = std::numeric_limits<T>::quiet_NaN();
  } else if (t.text == "inf" || t.text == "-inf") {
    *out =
        t.text[0] == '-' ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  } else {
    const char* end = t.text.data() + t.text.size();
    auto [ptr, ec] = std::from_chars(t.text.data(), end, *out);
    if (ec != std::errc() || ptr != end) return in.Fail(t, OutOfRange(what, t));
  }
  in.Take();
  return true;
}

// `name` '='
bool ParseKey(TokenReader& in, std::string_view name) {
  if (!in.Peek().IsIdent(name)) return in.Fail(in.Peek(), "expected '" + std::string(name) + "='");
  in.Take();
  return in.Expect(TokenKind::kEqual, "'=' after '" + std::string(name) + "'");
}

template <typename T, typename ParseOne>
bool ParseList(TokenReader& in, std::vector<T>* out, ParseOne parse_one) {
  if (!in.Expect(TokenKind::kLBracket, "'['")) return false;
  if (in.Peek().Is(TokenKind::kRBracket)) {
    in.Take();
    return true;
  }
  while (true) {
    T item;
    if (!parse_one(&item)) return false;
    out->push_back(item);
    if (!in.Peek().Is(TokenKind::kComma)) break;
    in.Take();
  }
  return in.Expect(TokenKind::kRBracket, "',' or ']'");
}

bool ParseInt32(TokenReader& in, std::string_view what, int64_t lo, int32_t* out) {
  int64_t v = 0;
  if (!ParseInt(in, what, lo, std::numeric_limits<int32_t>::max(), &v)) return false;
  *out = static_cast<int32_t>(v);
  return true;
}

bool ParseScales(TokenReader& in, QuantSpec* q) {
  if (!ParseKey(in, "scales")) return false;
  const Token open = in.Peek();
  auto one = [&](float* f) { return ParseFloat(in, "scale", f); };
  if (!ParseList(in, &q->scales, one)) return false;
  if (q->scales.empty()) return in.Fail(open, "a quantization spec needs at least one scale");
  if (!in.Peek().IsIdent("zero_points")) return true;
  if (!ParseKey(in, "zero_points")) return false;
  const Token zp_open = in.Peek();
  auto zp = [&](int32_t* z) {
    return ParseInt32(in, "zero point", std::numeric_limits<int32_t>::min(), z);
  };
  if (!ParseList(in, &q->zero_points, zp)) return false;
  if (q->zero_points.size() != q->scales.size()) {
    return in.Fail(zp_open, "expected " + std::to_string(q->scales.size()) +
                                " zero points (one per scale), got " +
                                std::to_string(q->zero_points.size()));
  }
  return true;
}

// per_tensor scale=F [zero_point=I] | per_axis axis=I scales=[..] [zero_points=[..]]
// | per_block axis=I block_size=I scales=[..] [zero_points=[..]]
bool ParseQuant(TokenReader& in, QuantSpec* q) {
  const Token& kind = in.Peek();
  if (kind.IsIdent("per_tensor")) {
    in.Take();
    float scale = 0;
    int32_t zero_point = 0;
    if (!ParseKey(in, "scale") || !ParseFloat(in, "scale", &scale)) return false;
    if (in.Peek().IsIdent("zero_point")) {
      if (!ParseKey(in, "zero_point")) return false;
      if (!ParseInt32(in, "zero point", std::numeric_limits<int32_t>::min(), &zero_point)) {
        return false;
      }
    }
    *q = QuantSpec::PerTensor(scale, zero_point);
    return true;
  }
  bool per_block = kind.IsIdent("per_block");
  if (!per_block && !kind.IsIdent("per_axis")) {
    return in.Fail(kind, "expected 'per_tensor', 'per_axis' or 'per_block'");
  }
  in.Take();
  q->granularity = per_block ? QuantGranularity::kPerBlock : QuantGranularity::kPerAxis;
  if (!ParseKey(in, "axis") ||
      !ParseInt32(in, "axis", std::numeric_limits<int32_t>::min(), &q->axis))
    return false;
  if (per_block &&
      (!ParseKey(in, "block_size") || !ParseInt32(in, "block size", 1, &q->block_size))) {
    return false;
  }
  return ParseScales(in, q);
}

bool ParseDim(TokenReader& in, Dim* out) {
  const Token& t = in.Peek();
  if (t.Is(TokenKind::kQuestion)) {
    *out = Dim::Unknown();
  } else if (t.Is(TokenKind::kIdent) || t.Is(TokenKind::kString)) {
    std::string name = t.Is(TokenKind::kIdent) ? std::string(t.text) : t.value;
    if (name.empty()) return in.Fail(t, "empty dimension name");
    *out = Dim::Symbol(std::move(name));
  } else if (t.Is(TokenKind::kInt)) {
    int64_t size = 0;
    if (!ParseInt(in, "dimension", 0, kMaxDimSize, &size)) return false;
    *out = Dim(size);
    return true;
  } else {
    return in.Fail(t, "expected dimension (integer, name or '?')");
  }
  in.Take();
  return true;
}

bool ParseShape(TokenReader& in, Shape* out) {
  if (!in.Expect(TokenKind::kLBracket, "'[' to start the shape")) return false;
  if (in.Peek().Is(TokenKind::kStar)) {
    in.Take();
    *out = Shape::Unranked();
    return in.Expect(TokenKind::kRBracket, "']'");
  }
  std::vector<Dim> dims;
  int64_t elements = 1;
  while (!in.Peek().Is(TokenKind::kRBracket)) {
    if (!dims.empty() && !in.Expect(TokenKind::kComma, "',' or ']'")) return false;
    const Token at = in.Peek();
    if (static_cast<int>(dims.size()) == kMaxRank) {
      return in.Fail(at, "too many dimensions (limit " + std::to_string(kMaxRank) + ")");
    }
    Dim d;
    if (!ParseDim(in, &d)) return false;
    if (d.is_static() && d.size() > 0) {
      if (elements > kMaxElements / d.size()) return in.Fail(at, "tensor has too many elements");
      elements *= d.size();
    }
    dims.push_back(std::move(d));
  }
  in.Take();
  *out = Shape(std::move(dims));
  return true;
}

}  // namespace

bool ParseInt(TokenReader& in, std::string_view what, int64_t lo, int64_t hi, int64_t* out) {
  const Token& t = in.Peek();
  if (!t.Is(TokenKind::kInt)) return in.Fail(t, "expected " + std::string(what));
  int64_t v = 0;
  const char* end = t.text.data() + t.text.size();
  auto [ptr, ec] = std::from_chars(t.text.data(), end, v);
  if (ec != std::errc() || ptr != end || v < lo || v > hi) return in.Fail(t, OutOfRange(what, t));
  *out = v;
  in.Take();
  return true;
}

bool ParseDouble(TokenReader& in, std::string_view what, double* out) {
  return ParseReal(in, what, out);
}

bool ParseFloat(TokenReader& in, std::string_view what, float* out) {
  return ParseReal(in, what, out);
}

bool ParseType(TokenReader& in, Context& ctx, const TensorType** out) {
  const Token& t = in.Peek();
  if (!t.Is(TokenKind::kIdent)) return in.Fail(t, "expected type");
  std::optional<ScalarType> scalar = ParseScalarType(t.text);
  if (!scalar) return in.Fail(t, "unknown scalar type '" + std::string(t.text) + "'");
  in.Take();
  std::optional<QuantSpec> quant;
  if (in.Peek().Is(TokenKind::kLess)) {
    in.Take();
    quant.emplace();
    if (!ParseQuant(in, &*quant)) return false;
    if (!in.Expect(TokenKind::kGreater, "'>' to close the quantization spec")) return false;
  }
  Shape shape;
  if (!ParseShape(in, &shape)) return false;
  *out = ctx.GetType(*scalar, std::move(shape), std::move(quant));
  return true;
}

}  // namespace kiln::ir
