// Printing numbers so that they read back exactly.
//
// Floats use the shortest decimal form that round-trips (std::to_chars), and always carry a
// '.', an exponent, or are inf/nan, so a float never reads back as an integer.
//
//   FormatDouble(1.0) == "1.0";  FormatFloat(0.1f) == "0.1";  FormatDouble(1e-5) == "1e-05"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiln::ir {

std::string FormatDouble(double v);
std::string FormatFloat(float v);

// Parse the whole of `text` (as printed above, or any decimal/exponent form); nullopt otherwise.
std::optional<double> ParseDouble(std::string_view text);

}  // namespace kiln::ir
