// What the recognize-* passes share: walking a graph (and its regions) op by op, asking small
// questions while matching a spelled-out form backwards from its last op (is this value made
// by an op of that kind in this graph, is that constant about 0.5), and replacing a matched
// set of ops by the one op they compute.
//
// A match is replaced only when it is self-contained: every value the ops compute, except
// the last op's result, is used by ops of the match alone (never by other ops, a region or a
// graph output), and every value involved is plain f32. The new op goes where the last op
// was and takes over its result's uses, graph outputs and name. The matched ops are erased
// when the walk is over (ops after the current one may belong to a match), and so are the
// constants they read that nothing else uses; their pool entries are left for `dce`.
//
//   PatternRewriter rewriter;
//   int n = rewriter.Run(graph, [&](ir::Op* op) { return MatchAndReplace(op, rewriter); });
//   rewriter.Replace({sigmoid, mul}, ir::OpKind::kSilu, {x});   // inside the callback
#pragma once

#include <functional>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"
#include "ir/op.h"

namespace kiln {

// `value`'s producer when it is an op of `kind` in `graph` itself (not in an enclosing graph,
// where the match could not erase it); null otherwise.
ir::Op* ProducerIn(const ir::Value* value, ir::OpKind kind, const ir::Graph& graph);

// A constant holding one number within a relative 1e-6 of `want` (exporters write f32
// roundings of 1/sqrt(2), 1/6, ...; exactly for want == 0) that does not broadcast `x` to
// a higher rank: its rank is at most x's, or 0 when x is unranked.
bool IsScalarNear(const ir::Value* value, double want, const ir::Value* x);

// The other operand of binary `op` when one operand is `v` (null if neither is, or `op` does
// not have two operands).
ir::Value* OtherOperand(const ir::Op& op, const ir::Value* v);

// `f` as the double with the shortest decimal form that rounds back to `f` (1e-05, not
// 9.99999974737875e-06), for float attributes the kernels read as f32.
double ShortestDouble(float f);

class PatternRewriter {
 public:
  // Calls `try_rewrite` on every op of `graph` and of its regions in program order (a
  // region's ops before the op owning it), skipping ops an earlier Replace took; then erases
  // the replaced ops. Returns how many replacements there were.
  int Run(ir::Graph& graph, const std::function<void(ir::Op*)>& try_rewrite);

  // Replaces `ops` (a match, all in one graph, last op last; its value is the last op's
  // result 0) by a new op of `kind` on `operands` with `attrs`, when the match is
  // self-contained and plain f32 (see above). Returns the new op, or null when it is not.
  ir::Op* Replace(const std::vector<ir::Op*>& ops, ir::OpKind kind,
                  std::vector<ir::Value*> operands, ir::AttrMap attrs = {});
  // The self-containment half of Replace's check, for callers that build operands (new
  // constants) only for a match that will be replaced.
  bool IsSelfContained(const std::vector<ir::Op*>& ops) const;

 private:
  void Walk(ir::Graph& graph, const std::function<void(ir::Op*)>& try_rewrite);
  void EraseReplaced();

  std::unordered_set<const ir::Op*> replaced_;
  std::vector<std::vector<ir::Op*>> matches_;
  std::vector<ir::Value*> constants_read_;
  int replacements_ = 0;
};

}  // namespace kiln
