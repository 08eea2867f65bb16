// The header dictionary of a .npy file, e.g. "{'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), }": parsed from the small Python-literal subset numpy writes, and formatted
// exactly as numpy formats it. An implementation detail of runtime/core/npy.h.
//
//   Result<NpyHeaderDict> d = ParseNpyHeaderDict("{'shape': (3,), 'descr': '<f4', "
//                                                "'fortran_order': False}");
//   std::string text = FormatNpyHeaderDict("<f4", {2, 3});  // numpy's text, before padding
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"

namespace kiln::rt {

struct NpyHeaderDict {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// Keys in any order, any whitespace, optional trailing comma, single or double quotes. Errors
// say what is wrong without naming the file (the caller prefixes it). A list-valued descr (a
// structured dtype) is an error.
Result<NpyHeaderDict> ParseNpyHeaderDict(std::string_view text);

// The dict as numpy.save writes it, including the spaces numpy (>= 1.23) reserves for growing
// the first axis, but without the alignment padding and final newline.
std::string FormatNpyHeaderDict(std::string_view descr, const std::vector<int64_t>& shape);

// `text` made safe for a one-line message: non-printable bytes escaped, long text cut short.
std::string PrintableForMessage(std::string_view text);

}  // namespace kiln::rt
