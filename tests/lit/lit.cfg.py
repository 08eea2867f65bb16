# lit configuration for Kiln's golden textual-IR tests: every tests/lit/**/*.kir file is a test
# whose `// RUN:` lines run kiln and check its output with FileCheck. Loaded through the
# generated build/<preset>/tests/lit/lit.site.cfg.py, which holds this build's paths; run lit on
# that folder (ctest -L lit does), not on the source folder.
#
#   // RUN: %kiln opt %s --pipeline dce -o - | FileCheck %s
#   // RUN: not %kiln inspect %S/Inputs/bad.kir 2>&1 | FileCheck %s --check-prefix=ERR

import lit.formats

if not hasattr(config, "kiln"):
    lit_config.fatal("run lit on build/<preset>/tests/lit (configured by CMake), "
                     "not on the source folder")

config.name = "Kiln"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".kir"]
# Inputs/ folders hold files that RUN lines read; they are not tests themselves.
config.excludes = ["Inputs"]
config.test_source_root = config.kiln_lit_source_dir
config.test_exec_root = config.kiln_lit_binary_dir

# A tool name is replaced only where it stands as a command (start of line or after a space,
# pipe, ';', '&' or '('), so "not" or "FileCheck" inside arguments and file names stay.
_command = r"(?:^|(?<=[\s|;&(]))"
# %kiln-edge-run first: %kiln is its prefix.
config.substitutions.append(("%kiln-edge-run", config.kiln_edge_run))
config.substitutions.append(("%kiln", config.kiln))
config.substitutions.append((_command + r"FileCheck(?=\s|$)", config.filecheck))
config.substitutions.append((_command + r"not(?=\s)", config.not_tool))

if config.kiln_sanitize.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("asan")
