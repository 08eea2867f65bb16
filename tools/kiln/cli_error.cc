#include "tools/kiln/cli_error.h"

#include <CLI/CLI.hpp>
#include <iostream>

namespace kiln::cli {

void ExitOnError(const Status& status) {
  if (status.ok()) return;
  std::cerr << "kiln: error: " << status.message() << "\n";
  throw CLI::RuntimeError(1);
}

}  // namespace kiln::cli
