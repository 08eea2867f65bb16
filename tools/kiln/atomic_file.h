// Writes an output file so that a failure never leaves a partial file behind.
//
// The content goes to a temporary file in the destination's folder, which is flushed and
// then renamed over the destination; on any error the temporary file is removed.
//
//   Status s = WriteFileAtomically("out.kir", text);
//   if (!s.ok()) ReportError(s);   // "cannot write 'out.kir': No space left on device"
#pragma once

#include <string>
#include <string_view>

#include "ir/status.h"

namespace kiln::cli {

Status WriteFileAtomically(const std::string& path, std::string_view content);

// Reads a whole file; the error names the file and the reason.
Expected<std::string> ReadFile(const std::string& path);

}  // namespace kiln::cli
