#!/usr/bin/python3
"""Runs Silero VAD over gen_vad.py's streams, one CLI call per 32 ms step, carrying the state.

    tools/models/npm/run_vad.py MODEL.onnx AUDIO.npy PROBS.npy --runner kiln|ort
                                [--kiln BIN] [--oracle RUN_MODEL_JS] [--version v5|legacy]
                                [--frames T] [--streams S] [--threads 1]

AUDIO is [S,L] float32 at 16 kHz; all S streams go through the model as one batch. Step t feeds
frame t (samples 512t .. 512t+511) and writes PROBS[:, t], float32 [S,T] (T = L/512 unless
--frames). v5 (silero_vad_v5.onnx, the default) takes `input` [S,576] = the last 64 samples of
the previous frame (zeros at t = 0) then the 512 new ones, as silero-vad's own OnnxWrapper does,
and `state` [2,S,128], returned as `stateN`. --version legacy (silero_vad_legacy.onnx, v4) takes
`input` [S,512] and `h`, `c` [2,S,64], returned as `hn`, `cn`. Both take `sr`, an int64 scalar
16000, and give `output` [S,1]. The state starts at zero.

--runner kiln calls `BIN run MODEL --input NAME=FILE.npy ... --output-dir DIR` (default BIN:
build/dev/tools/kiln/kiln; a .kir or .kiln file works too); --runner ort calls
`node tests/oracle/run_model.js` with the same arguments (ONNX Runtime). A process per step
costs about 0.4 s, so 16 x 20 s (625 steps) takes a few minutes; use --frames for a quick run.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import python_deps  # noqa: E402

np = python_deps.require("numpy")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DEFAULT_KILN = os.path.join(ROOT, "build", "dev", "tools", "kiln", "kiln")
DEFAULT_ORACLE = os.path.join(ROOT, "tests", "oracle", "run_model.js")
RATE, FRAME = 16000, 512
# version -> samples of context before each frame, state inputs -> the outputs that carry them.
VERSIONS = {
    "v5": {"context": 64, "state": {"state": ("stateN", 128)}},
    "legacy": {"context": 0, "state": {"h": ("hn", 64), "c": ("cn", 64)}},
}


def runner_command(args):
    """The command before `--input ...`: kiln run MODEL, or node run_model.js MODEL."""
    if args.runner == "kiln":
        tool = args.kiln
        command = [tool, "run", "-q", args.model]
    else:
        tool = args.oracle
        command = ["node", tool, args.model]
    if not os.path.isfile(tool):
        python_deps.fail(f"{tool} is missing (--{'kiln' if args.runner == 'kiln' else 'oracle'})")
    return command + ["--threads", str(args.threads)]


def run_step(command, inputs, work):
    """Writes inputs as .npy into work, runs the command once, returns {output name: array}."""
    arguments = []
    for name, value in inputs.items():
        path = os.path.join(work, f"in_{name}.npy")
        np.save(path, value)
        arguments += ["--input", f"{name}={path}"]
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run(command + arguments + ["--output-dir", out],
                          capture_output=True, text=True)
    if done.returncode:
        lines = (done.stderr or done.stdout).strip().splitlines()
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        python_deps.fail(f"{' '.join(command[:2])} failed: {reason}")
    return {f[:-4]: np.load(os.path.join(out, f)) for f in os.listdir(out) if f.endswith(".npy")}


def stream(command, audio, frames, version, work):
    """Runs every step; returns the speech probabilities [S,frames]."""
    spec = VERSIONS[version]
    streams, context = len(audio), spec["context"]
    padded = np.concatenate([np.zeros((streams, context), np.float32), audio], axis=1)
    state = {name: np.zeros((2, streams, size), np.float32)
             for name, (_, size) in spec["state"].items()}
    sr = np.array(RATE, np.int64)
    probs = np.zeros((streams, frames), np.float32)
    for t in range(frames):
        window = np.ascontiguousarray(padded[:, t * FRAME:(t + 1) * FRAME + context])
        outputs = run_step(command, {"input": window, "sr": sr, **state}, work)
        missing = [o for o, _ in [("output", 0), *spec["state"].values()] if o not in outputs]
        if missing:
            python_deps.fail(f"the model gave no output {missing[0]} "
                             f"(is --version {version} right?)")
        probs[:, t] = outputs["output"].reshape(streams)
        state = {name: outputs[out] for name, (out, _) in spec["state"].items()}
    return probs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("audio", help="[S,L] float32 16 kHz, from gen_vad.py")
    p.add_argument("probs", help="output: [S,T] float32")
    p.add_argument("--runner", choices=("kiln", "ort"), required=True)
    p.add_argument("--kiln", default=DEFAULT_KILN, help="the kiln binary")
    p.add_argument("--oracle", default=DEFAULT_ORACLE, help="tests/oracle/run_model.js")
    p.add_argument("--version", choices=sorted(VERSIONS), default="v5")
    p.add_argument("--frames", type=int, help="steps to run (default: all frames)")
    p.add_argument("--streams", type=int, help="first S streams only (default: all)")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    audio = np.load(args.audio).astype(np.float32)
    if audio.ndim != 2:
        python_deps.fail(f"{args.audio}: expected [S,L] audio, got {list(audio.shape)}")
    audio = audio[:args.streams] if args.streams else audio
    frames = audio.shape[1] // FRAME
    if args.frames:
        frames = min(frames, args.frames)
    command = runner_command(args)

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="run_vad") as work:
        probs = stream(command, audio, frames, args.version, work)
    np.save(args.probs, probs)
    print(f"run_vad: {len(audio)} streams x {frames} frames via {args.runner} ({args.version}) in "
          f"{time.monotonic() - start:.1f} s -> {args.probs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
