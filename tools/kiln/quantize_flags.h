// The quantization flags of `kiln opt` and `kiln compile` (which quantizes between the
// pipeline and legalization): --quantize, --calib, --max-error, --range-method, --no-repair,
// --calib-threads, --weight-block. Quantizes a float graph in place: static int8
// (passes/quantize/quantize_model.h) for the chosen target's activation scheme, or weights only
// (passes/quantize/weight_only.h); prints a ranked per-layer error table to stderr and returns
// the report as JSON.
//
//   QuantizeFlags flags;  AddQuantizeFlags(cmd, flags);
//   Expected<nlohmann::json> report = ApplyQuantizeFlags(graph, flags, "cloud", std::cerr);
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "ir/graph.h"
#include "ir/status.h"

namespace CLI {
class App;
}

namespace kiln::cli {

struct QuantizeFlags {
  std::string scheme = "none";  // none | int8 | int8-dynamic | int4-weight | int8-weight
  std::string calib;            // folder of .npy files
  std::string max_error = "auto";
  std::string range_method = "minmax";
  bool repair = true;
  int threads = 1;
  int weight_block = 32;  // int4-weight / int8-weight: block size along K, 0 per channel
  std::string weight_rounding = "gptq";  // with --calib: gptq or nearest
  bool bias_correction = true;           // with --calib
  bool quiet = false;
};

void AddQuantizeFlags(CLI::App* cmd, QuantizeFlags& flags);

bool WantsQuantization(const QuantizeFlags& flags);

// Checks the flags before any long work (unknown scheme, missing --calib, bad --max-error).
Status CheckQuantizeFlags(const QuantizeFlags& flags);

// `graph` must be optimized already (fusions decide what one quantized op covers). Errors name
// `model_path`.
Expected<nlohmann::json> ApplyQuantizeFlags(ir::Graph& graph, const QuantizeFlags& flags,
                                            const std::string& target,
                                            const std::string& model_path, std::ostream& err);

}  // namespace kiln::cli
