"""Imports the Python packages the model scripts need, or exits with one line naming the Debian
package that provides the missing one (the scripts run on Debian's /usr/bin/python3).

    from python_deps import require
    torch = require("torch")          # exits 1: "...: error: Python module 'torch' is missing ..."
"""

import importlib
import os
import sys

# Python module -> the Debian 12 package that installs it (all listed in tools/setup.sh).
DEBIAN_PACKAGES = {
    "numpy": "python3-numpy",
    "onnx": "python3-onnx",
    "torch": "python3-torch",
    "torchvision": "python3-torchvision",
    "PIL": "python3-pil",
    "scipy": "python3-scipy",
}


def fail(message):
    """Prints `<script>: error: message` on stderr and exits with status 1."""
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "kiln-models"
    print(f"{script}: error: {message}", file=sys.stderr)
    sys.exit(1)


def require(module):
    """Returns the imported module, or exits with a one-line message if it cannot be imported."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        package = DEBIAN_PACKAGES.get(module.split(".")[0], "?")
        fail(f"Python module '{module}' is missing ({e}); install the Debian package {package} "
             f"(tools/setup.sh does) and run with /usr/bin/python3, not {sys.executable}")
