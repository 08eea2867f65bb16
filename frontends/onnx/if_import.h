// ONNX `If` → Kiln `if` with two regions (then, else). The branches see the enclosing graph's
// values and take no inputs. When the condition is a constant, the taken branch is inlined
// instead and no `if` is created.
//
//   // node: If(cond) with then_branch / else_branch graph attributes
//   if (Status s = ImportIf(node, state, {cond}); !s.ok()) return s;
#pragma once

#include <onnx/onnx_pb.h>

#include <vector>

#include "frontends/onnx/import_state.h"

namespace kiln::onnx_import {

Status ImportIf(const onnx::NodeProto& node, ImportState& state,
                const std::vector<ir::Value*>& operands);

}  // namespace kiln::onnx_import
