// Op kernels for einsum and det.
#include <string>
#include <vector>

#include "ir/str_cat.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/det.h"
#include "runtime/reference/kernels/einsum.h"

namespace kiln::ref {
namespace {

Status RunEinsum(OpKernelContext& ctx) {
  std::vector<Tensor> operands;
  for (int i = 0; i < static_cast<int>(ctx.operands.size()); ++i) {
    if (ctx.operand(i) == nullptr) return Status::Error(ir::StrCat("operand ", i, " is missing"));
    operands.push_back(*ctx.operand(i));
  }
  const std::string equation = ctx.op.attrs().GetString("equation");
  return SetResult(ctx, Einsum(equation, operands, ctx.threads));
}

Status RunDet(OpKernelContext& ctx) {
  if (ctx.operand(0) == nullptr) return Status::Error("operand 0 is missing");
  return SetResult(ctx, Det(*ctx.operand(0)));
}

}  // namespace

void RegisterLinalgOps(OpKernelTable& table) {
  table.Register(ir::OpKind::kEinsum, &RunEinsum);
  table.Register(ir::OpKind::kDet, &RunDet);
}

}  // namespace kiln::ref
