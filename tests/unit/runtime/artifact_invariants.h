// Test-only: what a loaded Artifact promises, re-derived the plain way. The loader's checks are
// written for speed (one pass, a sweep for the memory plan); these are the trivial versions
// (quadratic pair test included) that the bit-flip tests and the fuzz target hold it to.
//
//   std::string broken = ArtifactInvariantViolation(*artifact);
//   EXPECT_EQ(broken, "");
//   std::string clash = TrivialPlanConflict(model);   // "" when the plan is sound
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/artifact.h"
#include "runtime/core/op_attrs.h"

namespace kiln::rt::test {

struct PlainLifetimes {
  std::vector<int> producer, last_use;
};

// Lifetimes from first principles; the model's indices must be in range.
inline PlainLifetimes ComputeLifetimes(const artifact::Model& model) {
  const int n = static_cast<int>(model.tensors()->size());
  const int num_ops = static_cast<int>(model.ops()->size());
  PlainLifetimes lt{std::vector<int>(n, -1), std::vector<int>(n, -1)};
  for (int i = 0; i < num_ops; ++i) {
    const artifact::Op* op = model.ops()->Get(i);
    if (op->outputs()) {
      for (int t : *op->outputs()) lt.producer[t] = i;
    }
    if (op->inputs()) {
      for (int t : *op->inputs()) {
        if (t >= 0) lt.last_use[t] = std::max(lt.last_use[t], i);
      }
    }
  }
  for (int t = 0; t < n; ++t) {
    if (model.tensors()->Get(t)->storage() == artifact::Storage::Arena) {
      lt.last_use[t] = std::max(lt.last_use[t], lt.producer[t]);
    }
  }
  for (int t : *model.outputs()) lt.last_use[t] = num_ops;
  return lt;
}

// The first pair of arena tensors that are live at once and share bytes without being an
// in-place pair, as "a,b"; "" when there is none. Checks every pair.
inline std::string TrivialPlanConflict(const artifact::Model& model) {
  PlainLifetimes lt = ComputeLifetimes(model);
  const int n = static_cast<int>(model.tensors()->size());
  auto reads = [&](int op, int t) {
    const auto* inputs = model.ops()->Get(op)->inputs();
    return inputs && std::find(inputs->begin(), inputs->end(), t) != inputs->end();
  };
  for (int a = 0; a < n; ++a) {
    const artifact::Tensor* ta = model.tensors()->Get(a);
    if (ta->storage() != artifact::Storage::Arena || ta->bytes() == 0) continue;
    for (int b = a + 1; b < n; ++b) {
      const artifact::Tensor* tb = model.tensors()->Get(b);
      if (tb->storage() != artifact::Storage::Arena || tb->bytes() == 0) continue;
      bool live_together =
          std::max(lt.producer[a], lt.producer[b]) <= std::min(lt.last_use[a], lt.last_use[b]);
      bool share_bytes =
          ta->offset() < tb->offset() + tb->bytes() && tb->offset() < ta->offset() + ta->bytes();
      if (!live_together || !share_bytes) continue;
      int early = lt.producer[a] <= lt.producer[b] ? a : b;
      int late = early == a ? b : a;
      bool in_place = ta->offset() == tb->offset() && lt.producer[early] < lt.producer[late] &&
                      lt.last_use[early] == lt.producer[late] && reads(lt.producer[late], early);
      if (!in_place) return std::to_string(a) + "," + std::to_string(b);
    }
  }
  return "";
}

// "" if everything a loaded artifact promises holds; else the first broken promise.
inline std::string ArtifactInvariantViolation(const Artifact& a) {
  const artifact::Model& m = a.model();
  if (!m.tensors() || !m.ops() || !m.inputs() || !m.outputs()) return "a required field is null";
  const int n = a.num_tensors();
  if (n != static_cast<int>(m.tensors()->size())) return "num_tensors";
  const uint8_t* file_begin = a.file_bytes().data();
  const uint8_t* file_end = file_begin + a.file_bytes().size();
  for (int t = 0; t < n; ++t) {
    const artifact::Tensor* tensor = m.tensors()->Get(t);
    if (static_cast<int>(tensor->dtype()) > static_cast<int>(artifact::DType::MAX)) return "dtype";
    if (tensor->shape() && tensor->shape()->size() > 8) return "rank";
    std::span<const uint8_t> c = a.ConstantBytes(t);
    if (tensor->storage() == artifact::Storage::Constant && tensor->packed()) {
      // The codes lie in the blob; ConstantBytes gives their f32 values, decoded at load.
      int64_t count = 1;
      for (int64_t d : *tensor->shape()) count *= d;
      if (c.size() != static_cast<size_t>(count) * 4)
        return "decoded size of tensor " + std::to_string(t);
      const uint8_t* codes = m.constants() ? m.constants()->data() + tensor->offset() : file_begin;
      if (tensor->bytes() > 0 && (codes < file_begin || codes + tensor->bytes() > file_end)) {
        return "packed codes outside the file";
      }
      if (reinterpret_cast<uintptr_t>(c.data()) % 64 != 0 && !c.empty()) return "alignment";
    } else if (tensor->storage() == artifact::Storage::Constant) {
      if (c.size() != tensor->bytes()) return "constant size of tensor " + std::to_string(t);
      if (!c.empty() && (c.data() < file_begin || c.data() + c.size() > file_end)) {
        return "constant bytes outside the file";
      }
      if (reinterpret_cast<uintptr_t>(c.data()) % 64 != 0 && !c.empty()) return "alignment";
    } else if (tensor->storage() == artifact::Storage::Arena) {
      if (tensor->offset() > m.arena_bytes() ||
          tensor->bytes() > m.arena_bytes() - tensor->offset()) {
        return "arena slot of tensor " + std::to_string(t);
      }
    } else if (tensor->storage() != artifact::Storage::Input) {
      return "storage";
    }
  }
  for (int t : *m.inputs()) {
    if (t < 0 || t >= n || m.tensors()->Get(t)->storage() != artifact::Storage::Input) {
      return "model input";
    }
  }
  for (int t : *m.outputs()) {
    if (t < 0 || t >= n || m.tensors()->Get(t)->storage() != artifact::Storage::Arena) {
      return "model output";
    }
  }
  for (int i = 0; i < static_cast<int>(m.ops()->size()); ++i) {
    const artifact::Op* op = m.ops()->Get(i);
    if (op->inputs()) {
      for (int t : *op->inputs()) {
        if (t < -1 || t >= n) return "op input range";
        if (t >= 0 && m.tensors()->Get(t)->storage() == artifact::Storage::Arena &&
            (a.producer(t) < 0 || a.producer(t) >= i)) {
          return "op " + std::to_string(i) + " reads tensor " + std::to_string(t) + " early";
        }
      }
    }
    if (op->outputs()) {
      for (int t : *op->outputs()) {
        if (t < 0 || t >= n || a.producer(t) != i) return "op output";
      }
    }
    OpAttrs attrs(*op);
    if (op->attrs()) {
      for (const artifact::Attr* attr : *op->attrs()) {
        std::string_view name = attr->name()->string_view();
        bool ok = false;
        switch (attr->kind()) {
          case artifact::AttrKind::Int:
            ok = attrs.Int(name).ok();
            break;
          case artifact::AttrKind::Float:
            ok = attrs.Float(name).ok();
            break;
          case artifact::AttrKind::String:
            ok = attrs.String(name).ok();
            break;
          case artifact::AttrKind::Ints:
            ok = attrs.Ints(name).ok();
            break;
          case artifact::AttrKind::Floats:
            ok = attrs.Floats(name).ok();
            break;
          case artifact::AttrKind::Strings:
            ok = attrs.Strings(name).ok();
            break;
        }
        if (!ok) return "attribute lookup";
      }
    }
  }
  PlainLifetimes lt = ComputeLifetimes(m);
  for (int t = 0; t < n; ++t) {
    if (lt.producer[t] != a.producer(t) || lt.last_use[t] != a.last_use(t)) {
      return "lifetime of tensor " + std::to_string(t);
    }
  }
  if (std::string clash = TrivialPlanConflict(m); !clash.empty()) return "plan clash " + clash;
  return "";
}

}  // namespace kiln::rt::test
