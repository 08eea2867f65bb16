#!/usr/bin/python3
"""Generates an offline voice-activity set for Silero VAD (build/npm-models/silero-vad): streams
of synthetic speech (espeak-ng) and pauses in noise, with a speech label per 32 ms frame.

    tools/models/npm/gen_vad.py --out DIR [--streams 16] [--seconds 20] [--seed 0] [--snr 5,20]

Writes DIR/audio.npy, float32 [S,L] (S independent 16 kHz streams, L a multiple of 512),
DIR/labels.npy, uint8 [S,L/512] (1 = speech in that 512-sample frame) and DIR/meta.txt (per
stream: the noise, its SNR and the utterances with their times). tools/models/npm/run_vad.py
runs a model over audio.npy and eval_vad.py scores its output against labels.npy.

A stream: 0.3-1.5 s of noise only, then utterances of 2-8 consecutive words of the licence texts
in /usr/share/common-licenses, each spoken by `espeak-ng -w` (one of 6 English voices x 7
variants, 130-200 words a minute, pitch 25-75, at a gain of 0.3-0.9), resampled 22050 -> 16000 Hz,
its leading and trailing silence trimmed, separated by 0.4-2.5 s pauses; then white, pink, brown
or 50 Hz hum noise over all of it at an SNR of 5-20 dB (--snr; speech power over noise power).
Labels: inside an utterance a sample is speech when the clean signal's 20 ms energy is within
35 dB of the utterance's peak, held for 100 ms; a frame is speech when at least half its samples
are (about half the frames are). The same --seed gives the same bytes with the same espeak-ng
and base-files: every stream is drawn from generators seeded by (seed, stream).
"""

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import wave

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import python_deps  # noqa: E402
from licence_text import WORDS_DIR, licence_text  # noqa: E402

np = python_deps.require("numpy")
signal = python_deps.require("scipy.signal")

RATE, FRAME = 16000, 512
VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbcwmd"]
VARIANTS = ["", "+f1", "+f2", "+f3", "+m1", "+m3", "+klatt"]  # not +whisper: it is unvoiced
NOISES = ["white", "pink", "brown", "hum"]
PEAK_DB, ENERGY_WINDOW, HANGOVER = 35, 320, 1600  # labels: dB below peak, 20 ms, 100 ms


def load_words():
    words = re.findall(r"[A-Za-z]{2,12}", licence_text())
    if len(words) < 1000:
        python_deps.fail(f"too few words in {WORDS_DIR} ({len(words)})")
    return words


def speak(rng, text, wav_path):
    """espeak-ng's rendering of text, float32 at 16 kHz without its own leading/trailing silence."""
    voice = rng.choice(VOICES) + rng.choice(VARIANTS)
    # -w FILE, not --stdout: the WAV header espeak-ng streams to stdout has no valid length.
    cmd = ["espeak-ng", "-v", voice, "-s", str(rng.randint(130, 200)),
           "-p", str(rng.randint(25, 75)), "-w", wav_path, text]
    try:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except FileNotFoundError:
        python_deps.fail("espeak-ng is missing; install the Debian package espeak-ng "
                         "(tools/setup.sh does)")
    except subprocess.CalledProcessError as e:
        message = e.stderr.decode(errors="replace").strip()
        python_deps.fail(f"espeak-ng -v {voice} failed: {message}")
    with wave.open(wav_path) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768
        rate = w.getframerate()
    x = signal.resample_poly(x, 320, 441) if rate == 22050 else signal.resample_poly(x, RATE, rate)
    loud = np.nonzero(np.abs(x) > 1e-3)[0]
    return (x[loud[0]:loud[-1] + 1] if len(loud) else x).astype(np.float32)


def speech_mask(x):
    """Per sample: within PEAK_DB of the utterance's peak 20 ms energy, with a 100 ms hangover."""
    energy = np.convolve(x ** 2, np.ones(ENERGY_WINDOW) / ENERGY_WINDOW, "same")
    active = energy > energy.max() * 10 ** (-PEAK_DB / 10)
    return np.convolve(active.astype(np.float32), np.ones(HANGOVER), "same") > 0


def make_noise(nrng, n, kind):
    """Unit-variance noise of a kind (hum: 50 and 150 Hz plus a little white noise)."""
    white = nrng.standard_normal(n).astype(np.float32)
    if kind == "white":
        return white
    if kind == "brown":  # integrated white noise, high-passed by removing a 100 ms moving mean
        b = np.cumsum(white)
        b -= signal.fftconvolve(b, np.ones(1600) / 1600, "same")
        return b / (b.std() + 1e-9)
    if kind == "pink":  # 1/f power: shape the spectrum by 1/sqrt(f)
        spectrum = np.fft.rfft(white)
        f = np.arange(len(spectrum), dtype=np.float64)
        f[0] = 1
        p = np.fft.irfft(spectrum / np.sqrt(f), n)
        return p / (p.std() + 1e-9)
    t = np.arange(n) / RATE
    return np.sin(2 * np.pi * 50 * t) + 0.5 * np.sin(2 * np.pi * 150 * t) + 0.3 * white


def make_stream(seed, index, length, snr_range, words, wav_path):
    """Returns (audio [length], labels [length/512], description)."""
    rng = random.Random(f"{seed}/{index}")
    nrng = np.random.default_rng([seed, index])
    clean = np.zeros(length, np.float32)
    mask = np.zeros(length, bool)
    pos, utterances = int(rng.uniform(0.3, 1.5) * RATE), []
    while True:
        n = rng.randint(2, 8)
        start = rng.randrange(len(words) - n)
        text = " ".join(words[start:start + n])
        x = speak(rng, text, wav_path) * rng.uniform(0.3, 0.9)
        if pos + len(x) > length - int(0.3 * RATE):
            break
        clean[pos:pos + len(x)] = x
        mask[pos:pos + len(x)] = speech_mask(x)
        utterances.append(f"{pos / RATE:.2f}-{(pos + len(x)) / RATE:.2f}s {text!r}")
        pos += len(x) + int(rng.uniform(0.4, 2.5) * RATE)
    kind, snr = rng.choice(NOISES), rng.uniform(*snr_range)
    speech_power = float(np.mean(clean[mask] ** 2)) if mask.any() else 1e-4
    noise = make_noise(nrng, length, kind)
    noise *= np.sqrt(speech_power / 10 ** (snr / 10)) / (noise.std() + 1e-9)
    audio = np.clip(clean + noise, -1, 1).astype(np.float32)
    labels = (mask.reshape(-1, FRAME).mean(1) >= 0.5).astype(np.uint8)
    about = (f"stream {index}: noise={kind} snr={snr:.1f}dB "
             f"speech_frames={100 * labels.mean():.0f}% "
             f"utterances: {'; '.join(utterances)}")
    return audio, labels, about


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, help="folder: audio.npy, labels.npy, meta.txt")
    p.add_argument("--streams", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20.0, help="length of each stream")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--snr", default="5,20", help="LO,HI: range of the SNR in dB")
    args = p.parse_args()
    try:
        snr_range = tuple(float(v) for v in args.snr.split(","))
    except ValueError:
        snr_range = ()
    if len(snr_range) != 2 or snr_range[0] > snr_range[1]:
        python_deps.fail(f"--snr {args.snr}: expected LO,HI in dB")
    length = int(args.seconds * RATE) // FRAME * FRAME
    if args.streams < 1 or length < RATE:
        python_deps.fail("--streams must be positive and --seconds at least 1")
    words = load_words()

    audio = np.zeros((args.streams, length), np.float32)
    labels = np.zeros((args.streams, length // FRAME), np.uint8)
    meta = []
    with tempfile.TemporaryDirectory(prefix="gen_vad") as tmp:
        for s in range(args.streams):
            audio[s], labels[s], about = make_stream(args.seed, s, length, snr_range, words,
                                                     os.path.join(tmp, "utterance.wav"))
            meta.append(about)
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "audio.npy"), audio)
    np.save(os.path.join(args.out, "labels.npy"), labels)
    with open(os.path.join(args.out, "meta.txt"), "w") as f:
        f.write("\n".join(meta) + "\n")
    print(f"gen_vad: {args.streams} streams x {length / RATE:.2f} s, "
          f"{labels.shape[1]} frames each, "
          f"{100 * labels.mean():.1f}% speech -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
