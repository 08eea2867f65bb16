// The per-op report of `kiln bench --profile`: where a run's time goes, by kernel (how many ops,
// total ms, share of the summed op time) and the slowest ops.
//
//   std::vector<OpTime> times = model->OpTimes();
//   out << FormatOpProfile(times, 15);
//   json["ops"] = OpProfileJson(times);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tools/kiln/runnable_model.h"

namespace kiln::cli {

// A text table: one row per kernel (sorted by total time), then the `top` slowest ops.
std::string FormatOpProfile(const std::vector<OpTime>& times, int top);

// Every op in execution order: [{"index", "name", "kernel", "mean_ms"}, ...].
nlohmann::json OpProfileJson(const std::vector<OpTime>& times);

}  // namespace kiln::cli
