// kiln: the command-line driver. Subcommands live in *_command.cc (see commands.h).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "tools/kiln/commands.h"

namespace {

int RunKiln(int argc, char** argv) {
  CLI::App app{"Kiln: a model compression and optimization compiler", "kiln"};
  app.set_version_flag("--version", std::string("kiln ") + KILN_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'kiln <command> --help' for a command's options.");
  kiln::cli::AddCompileCommand(app);
  kiln::cli::AddOptCommand(app);
  kiln::cli::AddInspectCommand(app);
  kiln::cli::AddRunCommand(app);
  kiln::cli::AddBenchCommand(app);
  if (argc <= 1) {
    std::cout << app.help();
    return 0;
  }
  // CLI11 would only say "A subcommand is required"; name the word it did not know.
  std::string first = argv[1];
  bool known = false;
  for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->check_name(first);
  if (!first.starts_with("-") && !known) {
    std::cerr << "kiln: error: unknown command '" << first
              << "' (run 'kiln --help' for the list)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return RunKiln(argc, argv);
  } catch (const std::exception& e) {
    // Library code reports errors as values; reaching this is a bug, but it still gets one
    // line and a non-zero exit rather than an abort.
    std::cerr << "kiln: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "kiln: internal error\n";
  }
  return 70;
}
