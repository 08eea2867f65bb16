// The numerical half of every rewrite test (STYLE.md habit 6, after Glow): a graph written in
// textual IR is parsed twice, a pipeline rewrites one copy, and both copies run on the reference
// runtime with the same seeded random inputs; every output must agree.
//
//   EXPECT_TRUE(PreservesNumerics(kGraph, "fold-batchnorm"));
//   EXPECT_TRUE(PreservesNumerics(kGraph, "fuse-activation", {.dims = {{"N", 3}}}));
//   EXPECT_TRUE(IsIdempotent(kGraph, "optimize"));
//   EXPECT_TRUE(SameOutputs(kFusedGraph, kUnfusedGraph));   // two spellings, one meaning
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ir/parser.h"
#include "ir/printer.h"
#include "passes/pass_manager.h"
#include "passes/register_all.h"
#include "runtime/reference/interpreter/executor.h"

namespace kiln::testing {

struct NumericsOptions {
  // Relative error is max|rewritten - original| / max|original| over each output.
  double max_rel_error = 1e-5;
  double min_cosine = 0.999999;
  // Sizes for the symbolic dims of the inputs.
  std::map<std::string, int64_t> dims = {{"N", 2}};
  // Fail when the pipeline leaves the graph unchanged (the test would prove nothing).
  bool expect_change = true;
  uint32_t seed = 1;
};

// Parses `kir`, or fails the current test.
inline std::unique_ptr<ir::Graph> ParseOrDie(std::string_view kir, ir::Context& ctx) {
  Expected<std::unique_ptr<ir::Graph>> g = ir::ParseGraph(kir, "test.kir", ctx);
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message());
  return g.ok() ? std::move(*g) : nullptr;
}

inline Status RunPipelineOn(ir::Graph& graph, std::string_view pipeline) {
  PassRegistry registry;
  RegisterAllPasses(registry);
  PassManager pm(registry, {.verify_each = true});
  if (Status s = pm.AddPipeline(pipeline); !s.ok()) return s;
  return pm.Run(graph);
}

// Seeded inputs for `graph`: f32 from N(0, 1), integers in [0, 4), bool alternating.
inline Expected<std::vector<ref::Tensor>> RandomInputs(const ir::Graph& graph,
                                                       const NumericsOptions& o) {
  std::mt19937 rng(o.seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<ref::Tensor> inputs;
  for (int i = 0; i < graph.num_inputs(); ++i) {
    const ir::TensorType* t = graph.input(i)->type();
    ref::Shape shape;
    for (const ir::Dim& d : t->shape().dims()) {
      if (d.is_static()) {
        shape.push_back(d.size());
      } else if (auto it = o.dims.find(d.symbol()); d.is_symbolic() && it != o.dims.end()) {
        shape.push_back(it->second);
      } else {
        return Status::Error("input " + std::to_string(i) + " has dim '" + d.ToString() +
                             "' with no size in NumericsOptions::dims");
      }
    }
    int64_t n = ref::NumElements(shape);
    switch (t->scalar()) {
      case ir::ScalarType::kF32: {
        std::vector<float> v(n);
        for (float& x : v) x = normal(rng);
        inputs.push_back(ref::Tensor::FromVector(rt::DType::kF32, shape, v));
        break;
      }
      case ir::ScalarType::kI64: {
        std::vector<int64_t> v(n);
        for (int64_t& x : v) x = static_cast<int64_t>(rng() % 4);
        inputs.push_back(ref::Tensor::FromVector(rt::DType::kI64, shape, v));
        break;
      }
      case ir::ScalarType::kBool: {
        std::vector<uint8_t> v(n);
        for (int64_t k = 0; k < n; ++k) v[k] = k % 2;
        inputs.push_back(ref::Tensor::FromVector(rt::DType::kBool, shape, v));
        break;
      }
      default:
        return Status::Error("input " + std::to_string(i) + " has a type random inputs lack");
    }
  }
  return inputs;
}

// Runs the graph and returns its outputs as doubles (f32, f64, i64 and bool outputs).
inline Expected<std::vector<std::vector<double>>> RunAsDoubles(const ir::Graph& graph,
                                                               std::span<const ref::Tensor> in) {
  std::unique_ptr<ref::Executor> ex = ref::CreateReferenceExecutor(graph);
  Expected<std::vector<ref::Tensor>> out = ex->Run(in);
  if (!out) return out.error();
  std::vector<std::vector<double>> result;
  for (const ref::Tensor& t : *out) {
    std::vector<double> v(t.num_elements());
    for (int64_t k = 0; k < t.num_elements(); ++k) {
      switch (t.dtype()) {
        case rt::DType::kF32:
          v[k] = t.data<float>()[k];
          break;
        case rt::DType::kF64:
          v[k] = t.data<double>()[k];
          break;
        case rt::DType::kI64:
          v[k] = static_cast<double>(t.data<int64_t>()[k]);
          break;
        case rt::DType::kBool:
          v[k] = t.data<uint8_t>()[k];
          break;
        default:
          return Status::Error("an output has a dtype the comparison does not read");
      }
    }
    result.push_back(std::move(v));
  }
  return result;
}

// Runs both graphs (same inputs) on the same seeded random inputs and compares every output.
inline ::testing::AssertionResult SameOutputs(const ir::Graph& original, const ir::Graph& rewritten,
                                              const NumericsOptions& o = {}) {
  Expected<std::vector<ref::Tensor>> inputs = RandomInputs(original, o);
  if (!inputs) return ::testing::AssertionFailure() << inputs.error().message();
  Expected<std::vector<std::vector<double>>> want = RunAsDoubles(original, *inputs);
  if (!want) return ::testing::AssertionFailure() << "original: " << want.error().message();
  Expected<std::vector<std::vector<double>>> got = RunAsDoubles(rewritten, *inputs);
  if (!got) {
    return ::testing::AssertionFailure() << "rewritten: " << got.error().message() << "\n"
                                         << ir::PrintGraph(rewritten);
  }
  if (want->size() != got->size()) {
    return ::testing::AssertionFailure()
           << "output count changed: " << want->size() << " -> " << got->size();
  }
  for (size_t i = 0; i < want->size(); ++i) {
    const std::vector<double>& a = (*want)[i];
    const std::vector<double>& b = (*got)[i];
    if (a.size() != b.size()) {
      return ::testing::AssertionFailure()
             << "output " << i << " has " << b.size() << " elements, was " << a.size();
    }
    double max_diff = 0, max_ref = 0, dot = 0, na = 0, nb = 0;
    for (size_t k = 0; k < a.size(); ++k) {
      if (std::isnan(a[k]) != std::isnan(b[k])) {
        return ::testing::AssertionFailure()
               << "output " << i << " element " << k << ": " << a[k] << " became " << b[k];
      }
      if (std::isnan(a[k])) continue;
      max_diff = std::max(max_diff, std::abs(a[k] - b[k]));
      max_ref = std::max(max_ref, std::abs(a[k]));
      dot += a[k] * b[k];
      na += a[k] * a[k];
      nb += b[k] * b[k];
    }
    double rel = max_ref > 0 ? max_diff / max_ref : max_diff;
    double cosine = na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
    if (rel > o.max_rel_error || cosine < o.min_cosine) {
      return ::testing::AssertionFailure()
             << "output " << i << ": relative error " << rel << " (max " << o.max_rel_error
             << "), cosine " << cosine << " (min " << o.min_cosine << ")\nrewritten:\n"
             << ir::PrintGraph(rewritten);
    }
  }
  return ::testing::AssertionSuccess();
}

// Two graphs in textual IR compute the same outputs.
inline ::testing::AssertionResult SameOutputs(std::string_view kir_a, std::string_view kir_b,
                                              const NumericsOptions& o = {}) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> a = ParseOrDie(kir_a, ctx);
  std::unique_ptr<ir::Graph> b = ParseOrDie(kir_b, ctx);
  if (!a || !b) return ::testing::AssertionFailure() << "parse failed";
  return SameOutputs(*a, *b, o);
}

// `pipeline` rewrites `kir` (unless expect_change is off) without changing its outputs.
inline ::testing::AssertionResult PreservesNumerics(std::string_view kir, std::string_view pipeline,
                                                    const NumericsOptions& o = {}) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> original = ParseOrDie(kir, ctx);
  std::unique_ptr<ir::Graph> rewritten = ParseOrDie(kir, ctx);
  if (!original || !rewritten) return ::testing::AssertionFailure() << "parse failed";
  const std::string before = ir::PrintGraph(*rewritten);
  if (Status s = RunPipelineOn(*rewritten, pipeline); !s.ok()) {
    return ::testing::AssertionFailure() << "pipeline '" << pipeline << "': " << s.message();
  }
  if (o.expect_change && before == ir::PrintGraph(*rewritten)) {
    return ::testing::AssertionFailure() << "pipeline '" << pipeline << "' changed nothing";
  }
  return SameOutputs(*original, *rewritten, o);
}

using Kinds = std::vector<std::string>;

// The op kinds of `kir` after `pipeline`, in program order (empty if it does not parse).
inline Kinds KindsAfter(std::string_view kir, std::string_view pipeline) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return {};
  Status s = RunPipelineOn(*g, pipeline);
  EXPECT_TRUE(s.ok()) << s.message();
  Kinds kinds;
  for (const ir::Op* op : g->ops()) kinds.emplace_back(op->kind_name());
  return kinds;
}

// `n` deterministic values in [lo, hi) as a textual-IR constant list "[a, b, ...]".
inline std::string Values(int n, uint32_t seed, double lo = -1.0, double hi = 1.0) {
  std::string s = "[";
  uint32_t x = seed * 2654435761u + 12345u;
  for (int i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    const double v = lo + (hi - lo) * ((x >> 8) % 10000) / 10000.0;
    s += (i ? ", " : "") + std::to_string(v);
  }
  return s + "]";
}

// Running the pipeline a second time over its own result changes nothing.
inline ::testing::AssertionResult IsIdempotent(std::string_view kir, std::string_view pipeline) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  if (!g) return ::testing::AssertionFailure() << "parse failed";
  if (Status s = RunPipelineOn(*g, pipeline); !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  const std::string once = ir::PrintGraph(*g);
  if (Status s = RunPipelineOn(*g, pipeline); !s.ok()) {
    return ::testing::AssertionFailure() << s.message();
  }
  const std::string twice = ir::PrintGraph(*g);
  if (once != twice) {
    return ::testing::AssertionFailure() << "second run changed the graph:\n"
                                         << once << "\n---\n"
                                         << twice;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace kiln::testing
