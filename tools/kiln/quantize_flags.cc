#include "tools/kiln/quantize_flags.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>

#include "passes/quantize/dynamic_quant.h"
#include "passes/quantize/quantize_model.h"
#include "passes/quantize/weight_only.h"
#include "tools/kiln/calib_folder.h"
#include "tools/kiln/progress_bar.h"

namespace kiln::cli {
namespace {

// JSON has no infinity: an exact (error-free) tensor's SQNR is null.
nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

nlohmann::json ErrorJson(const quant::ErrorStats& e) {
  return {{"sqnr_db", Number(e.sqnr_db())}, {"cosine", Number(e.cosine())}};
}

// The end of a long node name ("/encoder/layers.3/linear2/MatMul") tells the most.
std::string ShortName(const std::string& name, size_t width) {
  if (name.size() <= width) return name;
  return "..." + name.substr(name.size() - (width - 3));
}

std::string Db(double v) { return std::isfinite(v) ? fmt::format("{:.1f} dB", v) : "exact"; }

std::string SchemeText(quant::ActivationScheme s) {
  return s == quant::ActivationScheme::kZeroPointFree
             ? "u8 activations (zero point 0) after ReLU, s8 symmetric elsewhere"
             : "s8 activations with zero points";
}

// Layers by isolated SQNR, worst first.
std::vector<const quant::LayerError*> Ranked(const quant::Evaluation& e) {
  std::vector<const quant::LayerError*> order;
  for (const quant::LayerError& l : e.layers) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return a->isolated.sqnr_db() < b->isolated.sqnr_db();
  });
  return order;
}

nlohmann::json ReportJson(const quant::QuantizeReport& r, const QuantizeFlags& flags,
                          const std::string& target, quant::ActivationScheme scheme) {
  nlohmann::json j;
  j["scheme"] = flags.scheme;
  j["target"] = target;
  j["activations"] = SchemeText(scheme);
  j["weights"] = "s8 symmetric per output channel, bias i32";
  j["calibration"] = {{"samples", r.calibration_samples}, {"batches", r.calibration_batches}};
  j["range_method"] = r.range_method;
  j["budget"] = {{"metric", r.budget_metric},
                 {"min", r.budget_value},
                 {"measured", Number(r.metric)},
                 {"met", r.budget_met}};
  j["quantized_ops"] = r.quantized_ops;
  j["bias_corrected"] = r.bias_corrected;
  j["float_layers"] = r.float_layers;
  nlohmann::json steps = nlohmann::json::array();
  for (const quant::RepairStep& s : r.steps) {
    steps.push_back({{"action", s.action},
                     {"detail", s.detail},
                     {"reason", s.reason},
                     {"before", Number(s.metric_before)},
                     {"after", Number(s.metric_after)}});
  }
  j["repairs"] = steps;
  nlohmann::json layers = nlohmann::json::array();
  for (const quant::LayerError* l : Ranked(r.evaluation)) {
    layers.push_back({{"node", l->node},
                      {"kind", l->kind},
                      {"isolated", ErrorJson(l->isolated)},
                      {"accumulated", ErrorJson(l->accumulated)}});
  }
  j["layers"] = layers;
  nlohmann::json outputs = nlohmann::json::array();
  for (const quant::OutputError& o : r.evaluation.outputs) {
    nlohmann::json out = {{"name", o.name}, {"error", ErrorJson(o.error)}};
    if (o.classifier) out["top1_agreement"] = o.top1.rate();
    outputs.push_back(out);
  }
  j["outputs"] = outputs;
  return j;
}

void PrintTable(const quant::QuantizeReport& r, quant::ActivationScheme scheme, std::ostream& err) {
  err << fmt::format("quantized {} op{} to int8: {}; s8 weights per output channel\n",
                     r.quantized_ops, r.quantized_ops == 1 ? "" : "s", SchemeText(scheme));
  err << fmt::format("calibration: {} sample{} in {} batch{}, range method {}\n",
                     r.calibration_samples, r.calibration_samples == 1 ? "" : "s",
                     r.calibration_batches, r.calibration_batches == 1 ? "" : "es", r.range_method);
  if (r.bias_corrected > 0) {
    err << fmt::format("bias correction: {} layer{} took back the mean shift of weight rounding\n",
                       r.bias_corrected, r.bias_corrected == 1 ? "" : "s");
  }
  for (const quant::OutputError& o : r.evaluation.outputs) {
    std::string line = fmt::format("output '{}': cosine {:.6f}, SQNR {}", o.name, o.error.cosine(),
                                   Db(o.error.sqnr_db()));
    if (o.classifier) line += fmt::format(", top-1 agreement {:.2f}%", 100 * o.top1.rate());
    err << line << "\n";
  }
  err << fmt::format("budget: {} >= {} on the calibration set: {} ({:.6f})\n", r.budget_metric,
                     r.budget_value, r.budget_met ? "met" : "NOT MET", r.metric);
  size_t kept = 0;
  for (const quant::RepairStep& s : r.steps) {
    if (s.action == "keep-float") {
      ++kept;
      continue;
    }
    err << fmt::format("repair: {} {}: {}\n", s.action, s.detail, s.reason);
  }
  if (kept == 1) {
    err << fmt::format("repair: keep-float {}: {}\n", r.steps.back().detail, r.steps.back().reason);
  } else if (kept > 1) {
    // One line for all: the reasons differ only in the layer's own SQNR and rank.
    const quant::RepairStep& last = r.steps.back();
    err << fmt::format(
        "repair: keep-float the {} layers with the lowest isolated SQNR: {} {:.6f} "
        "-> {:.6f} (each layer's reason is in the JSON report)\n",
        kept, r.budget_metric, last.metric_before, last.metric_after);
  }
  err << fmt::format("{:<36} {:<8} {:>14} {:>9} {:>14} {:>9}\n", "layer (worst first)", "kind",
                     "isolated SQNR", "cosine", "accum. SQNR", "cosine");
  const std::vector<const quant::LayerError*> ranked = Ranked(r.evaluation);
  const size_t shown = std::min<size_t>(ranked.size(), 12);
  for (size_t i = 0; i < shown; ++i) {
    const quant::LayerError& l = *ranked[i];
    err << fmt::format("{:<36} {:<8} {:>14} {:>9.6f} {:>14} {:>9.6f}\n", ShortName(l.node, 36),
                       l.kind, Db(l.isolated.sqnr_db()), l.isolated.cosine(),
                       Db(l.accumulated.sqnr_db()), l.accumulated.cosine());
  }
  if (shown < ranked.size())
    err << fmt::format("... {} more in the JSON report\n", ranked.size() - shown);
  err << "kept in float: "
      << (r.float_layers.empty() ? std::string("none")
                                 : fmt::format("{}", fmt::join(r.float_layers, ", ")))
      << "\n";
}

int WeightBits(const QuantizeFlags& flags) { return flags.scheme == "int4-weight" ? 4 : 8; }

nlohmann::json WeightOnlyJson(const quant::WeightOnlyReport& r, const QuantizeFlags& flags,
                              const std::string& target) {
  nlohmann::json layers = nlohmann::json::array();
  for (const quant::WeightOnlyLayer& l : r.layers) {
    layers.push_back({{"node", l.node},
                      {"kind", l.kind},
                      {"grouping", l.grouping},
                      {"elements", l.elements},
                      {"float_bytes", l.float_bytes},
                      {"packed_bytes", l.packed_bytes},
                      {"weight_sqnr_db", Number(l.sqnr_db)},
                      {"method", l.method},
                      {"bias_corrected", l.bias_corrected}});
    if (l.output_sqnr_db) layers.back()["output_sqnr_db"] = Number(*l.output_sqnr_db);
  }
  return {{"scheme", flags.scheme},
          {"target", target},
          {"activations", "f32 (weight-only)"},
          {"weights", fmt::format("s{} symmetric, {}; {}", WeightBits(flags),
                                  flags.calib.empty() || flags.weight_rounding == "nearest"
                                      ? "rounded to nearest"
                                      : "GPTQ on the calibration data",
                                  flags.weight_block > 0
                                      ? fmt::format("blocks of {} along K for gemm/linear/matmul, "
                                                    "per output channel for conv",
                                                    flags.weight_block)
                                      : std::string("per output channel"))},
          {"float_bytes", r.float_bytes},
          {"packed_bytes", r.packed_bytes},
          {"layers", layers}};
}

void PrintWeightOnlyTable(const quant::WeightOnlyReport& r, const QuantizeFlags& flags,
                          std::ostream& err) {
  err << fmt::format("quantized {} weight{} to s{} ({}): {} -> {} bytes ({:.1f}%)\n",
                     r.layers.size(), r.layers.size() == 1 ? "" : "s", WeightBits(flags),
                     flags.scheme == "int8-dynamic" ? "dynamic activations" : "weight-only",
                     r.float_bytes, r.packed_bytes,
                     r.float_bytes > 0 ? 100.0 * static_cast<double>(r.packed_bytes) /
                                             static_cast<double>(r.float_bytes)
                                       : 0.0);
  // Worst first: by output SQNR when calibrated (GPTQ trades weight SQNR for it), else weight.
  auto rank = [](const quant::WeightOnlyLayer& l) { return l.output_sqnr_db.value_or(l.sqnr_db); };
  std::vector<const quant::WeightOnlyLayer*> order;
  for (const quant::WeightOnlyLayer& l : r.layers) order.push_back(&l);
  std::stable_sort(order.begin(), order.end(),
                   [&](const auto* a, const auto* b) { return rank(*a) < rank(*b); });
  const bool calibrated = !r.layers.empty() && r.layers[0].output_sqnr_db.has_value();
  err << fmt::format("{:<36} {:<8} {:<28} {:>12}{}\n", "layer (worst first)", "kind", "grouping",
                     "weight SQNR", calibrated ? "  output SQNR  method" : "");
  const size_t shown = std::min<size_t>(order.size(), 12);
  for (size_t i = 0; i < shown; ++i) {
    const quant::WeightOnlyLayer& l = *order[i];
    err << fmt::format("{:<36} {:<8} {:<28} {:>12}", ShortName(l.node, 36), l.kind, l.grouping,
                       Db(l.sqnr_db));
    if (l.output_sqnr_db) {
      err << fmt::format(" {:>12}  {}{}", Db(*l.output_sqnr_db), l.method,
                         l.bias_corrected ? ", bias corrected" : "");
    }
    err << "\n";
  }
  if (shown < order.size())
    err << fmt::format("... {} more in the JSON report\n", order.size() - shown);
}

bool IsWeightOnly(const QuantizeFlags& flags) {
  return flags.scheme == "int4-weight" || flags.scheme == "int8-weight";
}

Expected<nlohmann::json> QuantizeWeights(ir::Graph& graph, const QuantizeFlags& flags,
                                         const std::string& target, const std::string& model_path,
                                         quant::CalibrationSource* calibration, std::ostream& err) {
  ProgressBar bar(err, "collecting layer Hessians",
                  calibration != nullptr && !flags.quiet && ProgressBar::StderrIsTerminal());
  const quant::LayerHessianOptions hessians{
      .threads = flags.threads,
      .progress = [&](int64_t done, int64_t total) { bar.Update(done, total); }};
  Expected<quant::WeightOnlyReport> report =
      quant::QuantizeWeightsOnly(graph,
                                 {.bits = WeightBits(flags),
                                  .block_size = flags.weight_block,
                                  .gptq = flags.weight_rounding == "gptq",
                                  .bias_correction = flags.bias_correction},
                                 calibration, hessians);
  bar.Done();
  if (!report) return Status::Error(model_path + ": " + report.error().message());
  if (!flags.quiet) PrintWeightOnlyTable(*report, flags, err);
  return WeightOnlyJson(*report, flags, target);
}

Expected<nlohmann::json> QuantizeDynamic(ir::Graph& graph, const QuantizeFlags& flags,
                                         const std::string& target, const std::string& model_path,
                                         std::ostream& err) {
  if (target == "edge") {
    return Status::Error(
        "--quantize int8-dynamic: the edge runtime has no dynamically quantized kernels "
        "(XNNPACK); use int8 or int8-weight");
  }
  Expected<quant::WeightOnlyReport> report = quant::QuantizeDynamic(graph);
  if (!report) return Status::Error(model_path + ": " + report.error().message());
  if (!flags.quiet) PrintWeightOnlyTable(*report, flags, err);
  nlohmann::json j = WeightOnlyJson(*report, flags, target);
  j["activations"] = "u8 per tensor, quantized at run time on each tensor's own range";
  j["weights"] = "s8 symmetric per output channel, rounded to nearest (gemm, linear, matmul)";
  return j;
}

}  // namespace

void AddQuantizeFlags(CLI::App* cmd, QuantizeFlags& flags) {
  cmd->add_option("--quantize", flags.scheme,
                  "Quantize: none (default); int8 (static: calibrated activations, s8 weights "
                  "per channel; needs --calib); int4-weight or int8-weight (weights only, "
                  "stored packed, computed in f32; rounded by GPTQ with --calib, else to "
                  "nearest); int8-dynamic (gemm/linear/matmul: s8 weights, activations "
                  "quantized to u8 at run time; cloud only; no --calib)")
      ->type_name("SCHEME");
  cmd->add_option("--calib", flags.calib,
                  "Calibration data: a folder of .npy files (one sample or batch each; a "
                  "subfolder per input for several inputs)")
      ->type_name("DIR");
  cmd->add_option("--max-error", flags.max_error,
                  "Error budget on the calibration set: auto (top1=0.99 for [N,C] outputs, "
                  "else cosine=0.999), cosine=C or top1=R")
      ->type_name("BUDGET");
  cmd->add_option("--range-method", flags.range_method,
                  "Activation ranges: minmax (default), percentile, entropy or mse; the repair "
                  "tries the others if the budget fails")
      ->type_name("METHOD");
  cmd->add_flag("!--no-repair", flags.repair,
                "Report the error but do not change methods or keep layers in float");
  cmd->add_option("--weight-block", flags.weight_block,
                  "int4-weight/int8-weight: one scale per block of N weights along K of "
                  "gemm/linear/matmul (default 32; 0: per output channel); convs are per channel")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--weight-rounding", flags.weight_rounding,
                  "int4-weight/int8-weight with --calib: gptq (default) or nearest")
      ->check(CLI::IsMember({"gptq", "nearest"}))
      ->type_name("METHOD");
  cmd->add_flag("!--no-bias-correction", flags.bias_correction,
                "With --calib: leave biases as they are (by default the mean shift weight "
                "rounding puts on each layer's output over the calibration data is added back "
                "to its bias)");
  cmd->add_option("--calib-threads", flags.threads, "Threads for calibration (default 1)")
      ->check(CLI::Range(1, 256));
}

bool WantsQuantization(const QuantizeFlags& flags) { return flags.scheme != "none"; }

Status CheckQuantizeFlags(const QuantizeFlags& flags) {
  if (flags.scheme == "none") {
    if (!flags.calib.empty()) return Status::Error("--calib needs --quantize");
    return Status::Ok();
  }
  if (flags.scheme == "int8-dynamic") {
    if (!flags.calib.empty()) {
      return Status::Error(
          "--calib: --quantize int8-dynamic quantizes activations when the model runs and "
          "reads no calibration data");
    }
    return Status::Ok();
  }
  if (IsWeightOnly(flags)) {
    if (flags.weight_block % 2 != 0) {
      return Status::Error("--weight-block " + std::to_string(flags.weight_block) +
                           ": expected 0 (per channel) or an even size such as 32");
    }
    return Status::Ok();
  }
  if (flags.scheme != "int8") {
    return Status::Error("--quantize '" + flags.scheme +
                         "': expected none, int8, int4-weight, int8-weight or int8-dynamic");
  }
  if (flags.calib.empty()) return Status::Error("--quantize int8 needs --calib DIR");
  if (!quant::ParseRangeMethod(flags.range_method)) {
    return Status::Error("--range-method '" + flags.range_method +
                         "': expected minmax, percentile, entropy or mse");
  }
  Expected<quant::ErrorBudget> budget = quant::ParseErrorBudget(flags.max_error);
  if (!budget) return budget.error();
  return Status::Ok();
}

Expected<nlohmann::json> ApplyQuantizeFlags(ir::Graph& graph, const QuantizeFlags& flags,
                                            const std::string& target,
                                            const std::string& model_path, std::ostream& err) {
  if (Status s = CheckQuantizeFlags(flags); !s.ok()) return s;
  std::unique_ptr<FolderSource> source;
  if (!flags.calib.empty()) {
    Expected<std::unique_ptr<FolderSource>> opened = FolderSource::Open(flags.calib, graph);
    if (!opened) return opened.error();
    source = std::move(*opened);
  }
  if (flags.scheme == "int8-dynamic") return QuantizeDynamic(graph, flags, target, model_path, err);
  if (IsWeightOnly(flags))
    return QuantizeWeights(graph, flags, target, model_path, source.get(), err);

  const quant::ActivationScheme scheme = target == "edge" ? quant::ActivationScheme::kAsymmetricS8
                                                          : quant::ActivationScheme::kZeroPointFree;
  ProgressBar bar(err, "calibrating", !flags.quiet && ProgressBar::StderrIsTerminal());
  quant::QuantizeOptions options;
  // The edge runtime has no residual post-op (XNNPACK): its adds are integer adds of their own.
  options.plan = {.scheme = scheme,
                  .method = *quant::ParseRangeMethod(flags.range_method),
                  .kinds = {.adds = target == "edge"}};
  options.budget = *quant::ParseErrorBudget(flags.max_error);
  options.repair = flags.repair;
  options.bias_correction = flags.bias_correction;
  options.threads = flags.threads;
  options.progress = [&](int64_t done, int64_t total) { bar.Update(done, total); };
  options.log = [&](std::string_view line) {
    bar.Done();
    bar.SetLabel(std::string(line));
  };
  Expected<quant::QuantizeReport> report = quant::QuantizeModel(graph, *source, options);
  bar.Done();
  if (!report) return Status::Error(model_path + ": " + report.error().message());
  if (!flags.quiet) PrintTable(*report, scheme, err);
  return ReportJson(*report, flags, target, scheme);
}

}  // namespace kiln::cli
