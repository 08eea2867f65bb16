// What an integer shape vector holds, element by element, when it is computed from shapes:
// `shape(x)` of x: f32[128,N,256] holds (128, N, 256) even though the op is not a constant, and
// `gather(shape(x), 1) * 8` holds N*8. simplify-shapes uses this to turn Shape -> Gather ->
// Concat -> Reshape chains into constant reshape targets without fixing a symbolic dim.
//
//   ShapeValues values(graph);                       // one forward walk
//   if (const std::vector<DimTerm>* t = values.Find(reshape->operand(1))) ...
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"

namespace kiln {

// One element: a number, a symbolic dim times a factor (N*8), or dim `index` of `source`
// where that dim is unknown (`?`) in the IR.
struct DimTerm {
  enum class Kind { kConstant, kSymbol, kDimOf };
  Kind kind = Kind::kConstant;
  int64_t value = 0;                  // kConstant: the number; kSymbol: the factor
  std::string symbol;                 // kSymbol
  const ir::Value* source = nullptr;  // kDimOf
  int index = 0;                      // kDimOf

  static DimTerm Constant(int64_t v) { return {Kind::kConstant, v, "", nullptr, 0}; }
  // The term for dim `i` of `value`'s (ranked) shape.
  static DimTerm OfDim(const ir::Value* value, int i);

  bool is_constant() const { return kind == Kind::kConstant; }
  // True when this term is certainly the size of dim `i` of `value`.
  bool IsDimOf(const ir::Value* value, int i) const;
  bool operator==(const DimTerm&) const = default;
};

class ShapeValues {
 public:
  // Walks the root graph's ops once, in order (regions are not entered).
  explicit ShapeValues(const ir::Graph& graph);

  // The elements of an i64/i32 value of rank 0 or 1, or null when they are not known. A
  // constant is known too.
  const std::vector<DimTerm>* Find(const ir::Value* value);

 private:
  void Visit(const ir::Op& op);

  std::unordered_map<const ir::Value*, std::vector<DimTerm>> terms_;
};

}  // namespace kiln
