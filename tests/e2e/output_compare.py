"""What the e2e scripts share: running a command (exit with its error if it fails), reading a
folder of .npy outputs, and comparing two sets of outputs the way Kiln states accuracy:
cosine and max relative error max|actual - expected| / max|expected| (elementwise relative
error is meaningless for values near 0).

    from output_compare import compare, outputs, run
    ok = compare("resnet18 kiln vs ort", outputs(a), outputs(b), min_cosine=0.99999, max_rel_err=1e-4)
"""
import os
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    sys.exit("e2e: error: numpy is missing; install python3-numpy and run with /usr/bin/python3")


def run(cmd):
    """Runs `cmd`; on failure exits with its error output."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{os.path.basename(sys.argv[0])}: error: {' '.join(cmd)} failed: "
                 f"{(r.stderr or r.stdout).strip()}")
    return r


def outputs(directory):
    """Output name -> array, for every .npy file in `directory`."""
    return {f[:-4]: np.load(os.path.join(directory, f)) for f in sorted(os.listdir(directory))
            if f.endswith(".npy")}


def only_output(directory):
    """The one .npy output in `directory` (a classifier's logits, a detector's map)."""
    files = [f for f in os.listdir(directory) if f.endswith(".npy")]
    if len(files) != 1:
        sys.exit(f"{os.path.basename(sys.argv[0])}: error: expected one output in {directory}, "
                 f"found {files}")
    return np.load(os.path.join(directory, files[0]))


def compare(label, actual, expected, min_cosine, max_rel_err):
    """Prints one PASS/FAIL line per output; True when every output is within the limits."""
    if set(actual) != set(expected):
        print(f"FAIL {label}: outputs {sorted(actual)} vs {sorted(expected)}")
        return False
    ok = True
    for name in expected:
        if actual[name].shape != expected[name].shape:
            print(f"FAIL {label} {name}: shape {actual[name].shape} vs {expected[name].shape}")
            ok = False
            continue
        a = actual[name].astype(np.float64).ravel()
        e = expected[name].astype(np.float64).ravel()
        scale = np.max(np.abs(e))
        rel = np.max(np.abs(a - e)) / scale if scale > 0 else np.max(np.abs(a - e))
        denom = np.linalg.norm(a) * np.linalg.norm(e)
        cos = float(np.dot(a, e) / denom) if denom > 0 else float(np.array_equal(a, e))
        good = cos >= min_cosine and rel <= max_rel_err
        ok = ok and good
        print(f"{'PASS' if good else 'FAIL'} {label} {name} {list(expected[name].shape)}: "
              f"cosine {cos:.9f} (>= {min_cosine}), max rel err {rel:.2e} (<= {max_rel_err:.0e})")
    return ok


def run_in_chunks(kiln, model, images, work, chunk=1000):
    """`kiln run` of `model` on the .npy `images` in chunks of `chunk` rows (an artifact's arena
    grows with the batch); the only output, concatenated."""
    x = np.load(images)
    parts = []
    for start in range(0, len(x), chunk):
        part, out = os.path.join(work, "chunk.npy"), os.path.join(work, "chunk_out")
        np.save(part, x[start:start + chunk])
        run([kiln, "run", model, "--input", part, "--output-dir", out, "--threads", "2",
             "--quiet"])
        parts.append(only_output(out))
    return np.concatenate(parts)
