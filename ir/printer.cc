#include "ir/printer.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/number_format.h"

namespace kiln::ir {
namespace {

constexpr int64_t kMaxListElements = 16;

bool IsIdent(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(s[0])) return false;
  for (char c : s) {
    if (!start(c) && !(c >= '0' && c <= '9') && c != '.') return false;
  }
  return true;
}

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// `%x`, `@w0`, or the quoted form `%"/layer1/Conv_output_0"` for names that are not identifiers.
std::string Sigiled(char sigil, std::string_view name) {
  return sigil + (IsIdent(name) ? std::string(name) : QuoteString(name));
}

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

std::optional<std::string> FormatElement(ScalarType scalar, const uint8_t* p) {
  switch (scalar) {
    case ScalarType::kF32: {
      float f = Load<float>(p);
      // Only the canonical NaN reads back bit-exactly from "nan"; others go as hex.
      if (std::isnan(f) && Load<uint32_t>(p) != 0x7fc00000u) return std::nullopt;
      return FormatFloat(f);
    }
    case ScalarType::kI8:
      return std::to_string(Load<int8_t>(p));
    case ScalarType::kU8:
      return std::to_string(Load<uint8_t>(p));
    case ScalarType::kI16:
      return std::to_string(Load<int16_t>(p));
    case ScalarType::kI32:
      return std::to_string(Load<int32_t>(p));
    case ScalarType::kI64:
      return std::to_string(Load<int64_t>(p));
    case ScalarType::kBool:
      if (*p > 1) return std::nullopt;
      return std::to_string(*p);
    default:
      return std::nullopt;
  }
}

// `[0.5, -1.0]` for small tensors of list-friendly types; nullopt when hex is needed.
std::optional<std::string> FormatElementList(const TensorType& type, const TensorData& data) {
  std::optional<int64_t> count = type.shape().num_elements();
  if (!count || *count > kMaxListElements) return std::nullopt;
  if (static_cast<int64_t>(data.size()) != StorageBytes(type.scalar(), *count)) {
    return std::nullopt;
  }
  size_t width = static_cast<size_t>(BitWidth(type.scalar()) / 8);
  std::string s = "[";
  for (int64_t i = 0; i < *count; ++i) {
    std::optional<std::string> e = FormatElement(type.scalar(), data.data() + i * width);
    if (!e) return std::nullopt;
    if (i) s += ", ";
    s += *e;
  }
  return s + "]";
}

std::string FormatHex(const TensorData& data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  s.reserve(2 + 2 * data.size());
  for (uint8_t b : data.bytes()) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

std::string FormatConstantData(const Constant& c, bool elide) {
  if (elide || !c.data) return "<elided>";
  if (c.type) {
    if (std::optional<std::string> list = FormatElementList(*c.type, *c.data)) return *list;
  }
  return FormatHex(*c.data);
}

std::string TypeText(const TensorType* type) { return type ? PrintType(*type) : "<null>"; }

class Printer {
 public:
  Printer(std::ostream& os, const PrintOptions& options) : os_(os), options_(options) {}

  void Print(const Graph& graph) {
    NameValues(graph);
    PrintGraphDef(graph, 0);
    PrintConstants();
  }

 private:
  // Assigns printed names in textual order and records pool entries in order of first use.
  void NameValues(const Graph& g) {
    for (int i = 0; i < g.num_inputs(); ++i) Name(g.input(i));
    for (int i = 0; i < g.num_constants(); ++i) {
      Name(g.constant(i));
      const Constant* c = g.constant(i)->constant();
      if (c && pool_seen_.insert(c).second) pool_order_.push_back(c);
    }
    for (const Op* op : g.ops()) {
      for (int i = 0; i < op->num_results(); ++i) Name(op->result(i));
      for (int r = 0; r < op->num_regions(); ++r) NameValues(op->region(r));
    }
  }

  const std::string& Name(const Value* v) {
    auto [it, inserted] = names_.try_emplace(v);
    if (inserted) {
      const std::string& name = v->name();
      if (!name.empty() && !IsAllDigits(name) && taken_.insert(name).second) {
        it->second = Sigiled('%', name);
      } else {
        it->second = "%" + std::to_string(next_number_++);
      }
    }
    return it->second;
  }

  // Values outside the printed graph (a region printed alone) are named on first use.
  std::string Ref(const Value* v) { return v ? Name(v) : "<null>"; }

  void Indent(int depth) {
    for (int i = 0; i < depth; ++i) os_ << "  ";
  }

  void PrintGraphDef(const Graph& g, int depth) {
    Indent(depth);
    os_ << "graph " << Sigiled('@', g.name()) << "(";
    for (int i = 0; i < g.num_inputs(); ++i) {
      os_ << (i ? ", " : "") << Ref(g.input(i)) << ": " << TypeText(g.input(i)->type());
    }
    os_ << ") -> (";
    for (int i = 0; i < g.num_outputs(); ++i) {
      os_ << (i ? ", " : "") << (g.output(i) ? TypeText(g.output(i)->type()) : "<null>");
    }
    os_ << ") {\n";
    for (int i = 0; i < g.num_constants(); ++i) {
      const Value* v = g.constant(i);
      Indent(depth + 1);
      os_ << Ref(v) << " = const " << (v->constant() ? Sigiled('@', v->constant()->name) : "<null>")
          << " : " << TypeText(v->type()) << "\n";
    }
    for (const Op* op : g.ops()) PrintOp(*op, depth + 1);
    Indent(depth + 1);
    os_ << "return";
    for (int i = 0; i < g.num_outputs(); ++i) {
      os_ << (i ? ", " : " ") << Ref(g.output(i));
      const std::string& name = g.output_name(i);
      bool implied = name.empty() ||
                     (g.output(i) && !IsAllDigits(name) && Ref(g.output(i)) == Sigiled('%', name));
      if (!implied) os_ << " as " << QuoteString(name);
    }
    os_ << "\n";
    Indent(depth);
    os_ << "}\n";
  }

  void PrintOp(const Op& op, int depth) {
    Indent(depth);
    for (int i = 0; i < op.num_results(); ++i) {
      os_ << (i ? ", " : "") << Ref(op.result(i)) << (i + 1 == op.num_results() ? " = " : "");
    }
    os_ << op.kind_name() << "(";
    for (int i = 0; i < op.num_operands(); ++i) {
      os_ << (i ? ", " : "") << (op.operand(i) ? Ref(op.operand(i)) : "_");
    }
    os_ << ")";
    if (!op.attrs().empty()) {
      os_ << " {";
      bool first = true;
      for (const auto& [name, value] : op.attrs().entries()) {
        os_ << (first ? "" : ", ") << name << "=" << FormatAttrValue(value);
        first = false;
      }
      os_ << "}";
    }
    for (int i = 0; i < op.num_results(); ++i) {
      os_ << (i ? ", " : " : ") << TypeText(op.result(i)->type());
    }
    if (op.num_regions() > 0) {
      os_ << " {\n";
      for (int r = 0; r < op.num_regions(); ++r) PrintGraphDef(op.region(r), depth + 1);
      Indent(depth);
      os_ << "}";
    }
    if (options_.print_locations && !op.name().empty()) {
      os_ << " loc(" << QuoteString(op.name()) << ")";
    }
    os_ << "\n";
  }

  void PrintConstants() {
    if (pool_order_.empty()) return;
    os_ << "constants {\n";
    for (const Constant* c : pool_order_) {
      os_ << "  " << Sigiled('@', c->name) << " = "
          << FormatConstantData(*c, options_.elide_constants) << "\n";
    }
    os_ << "}\n";
  }

  std::ostream& os_;
  const PrintOptions& options_;
  std::unordered_map<const Value*, std::string> names_;
  std::unordered_set<std::string> taken_;
  int next_number_ = 0;
  std::vector<const Constant*> pool_order_;
  std::unordered_set<const Constant*> pool_seen_;
};

}  // namespace

void PrintGraph(const Graph& graph, std::ostream& os, const PrintOptions& options) {
  Printer(os, options).Print(graph);
}

std::string PrintGraph(const Graph& graph, const PrintOptions& options) {
  std::ostringstream os;
  PrintGraph(graph, os, options);
  return os.str();
}

std::string PrintType(const TensorType& type) { return type.ToString(); }

}  // namespace kiln::ir
