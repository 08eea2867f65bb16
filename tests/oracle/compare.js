'use strict';
// Elementwise comparison of two arrays in npy.js form ({ type, dims, data }).
// Floating point: |a - b| <= atol or |a - b| <= rtol * |b| (b = expected); NaN matches NaN and
// infinities must match exactly. Integers, bools and strings: exact.
// Defaults rtol 1e-4, atol 1e-5 (float16 values: 1e-3 / 1e-3, as half has ~3 significant digits).
//
// As a command: node compare.js ACTUAL.npy EXPECTED.npy [--rtol R] [--atol A]  -> exit 0 / 1.

const { halfToFloat, readNpy } = require('./npy');

const FLOAT_TYPES = new Set(['float32', 'float64', 'float16']);

// Returns null when equal within tolerance, else a one-line description of the first mismatch.
function compareArrays(actual, expected, { rtol, atol } = {}) {
  if (actual.type !== expected.type) return `type ${actual.type} != expected ${expected.type}`;
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return `shape [${actual.dims}] != expected [${expected.dims}]`;
  }
  if (actual.data.length !== expected.data.length) return `${actual.data.length} elements != expected ${expected.data.length}`;
  const isHalf = actual.type === 'float16';
  if (FLOAT_TYPES.has(actual.type)) {
    const rt = rtol ?? (isHalf ? 1e-3 : 1e-4);
    const at = atol ?? (isHalf ? 1e-3 : 1e-5);
    const val = isHalf ? halfToFloat : (x) => x;
    for (let i = 0; i < actual.data.length; i++) {
      const a = val(actual.data[i]);
      const b = val(expected.data[i]);
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      if (a === b) continue; // also covers equal infinities
      const diff = Math.abs(a - b);
      if (!(diff <= at || diff <= rt * Math.abs(b))) return `element ${i}: got ${a}, expected ${b} (|diff| ${diff})`;
    }
    return null;
  }
  for (let i = 0; i < actual.data.length; i++) {
    if (actual.data[i] !== expected.data[i]) return `element ${i}: got ${actual.data[i]}, expected ${expected.data[i]}`;
  }
  return null;
}

// Largest absolute difference (for reporting), 0 for non-float types.
function maxAbsDiff(actual, expected) {
  if (!FLOAT_TYPES.has(actual.type)) return 0;
  const val = actual.type === 'float16' ? halfToFloat : (x) => x;
  let m = 0;
  for (let i = 0; i < actual.data.length; i++) {
    const d = Math.abs(val(actual.data[i]) - val(expected.data[i]));
    if (d > m) m = d;
  }
  return m;
}

module.exports = { compareArrays, maxAbsDiff };

if (require.main === module) {
  const args = process.argv.slice(2);
  const files = [];
  const tol = {};
  try {
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--rtol' || args[i] === '--atol') {
        const v = Number(args[++i]);
        if (!Number.isFinite(v) || v < 0) throw new Error(`${args[i - 1]} needs a non-negative number`);
        tol[args[i - 1].slice(2)] = v;
      } else if (args[i].startsWith('--')) {
        throw new Error(`unknown flag ${args[i]}`);
      } else {
        files.push(args[i]);
      }
    }
    if (files.length !== 2) throw new Error('usage: compare.js ACTUAL.npy EXPECTED.npy [--rtol R] [--atol A]');
    const [a, b] = files.map(readNpy);
    const err = compareArrays(a, b, tol);
    if (err) {
      console.log(`DIFF ${files[0]} vs ${files[1]}: ${err}`);
      process.exit(1);
    }
    console.log(`SAME ${files[0]} vs ${files[1]} (max |diff| ${maxAbsDiff(a, b)})`);
  } catch (e) {
    process.stderr.write(`compare: error: ${e.message}\n`);
    process.exit(1);
  }
}
