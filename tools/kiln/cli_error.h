// How a subcommand reports failure: one line `kiln: error: <message>` on stderr and exit 1.
//
//   cmd->callback([o] { ExitOnError(RunOpt(*o, std::cout, std::cerr)); });
#pragma once

#include "ir/status.h"

namespace kiln::cli {

// On error prints the message and throws CLI::RuntimeError(1), which main turns into the
// process's exit code (CLI11's own mechanism; nothing else is thrown across main).
void ExitOnError(const Status& status);

}  // namespace kiln::cli
