#!/usr/bin/env node
'use strict';
// Unit checks for npy.js and the output-name sanitizer (no ONNX Runtime needed).
// Prints one line per failure and a summary; exit 0 when all pass.

const assert = require('assert');
const { TYPES, parseNpy, formatNpy, halfToFloat } = require('./npy');
const { sanitizeName, parseArgs } = require('./common');

let failures = 0;
let count = 0;
function check(name, fn) {
  count++;
  try {
    fn();
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
  }
}

// Sample data per type, including extremes.
const SAMPLES = {
  float32: [0, -1.5, 3.25, Infinity, -Infinity, NaN],
  float64: [0, -1.5, 1e300, -1e-300, Infinity, NaN],
  float16: [0x0000, 0x3c00, 0xbc00, 0x7c00, 0x7e00, 0x0001],
  int8: [-128, 127, 0, -1, 5, 6],
  uint8: [0, 255, 1, 2, 3, 4],
  int16: [-32768, 32767, 0, -1, 5, 6],
  uint16: [0, 65535, 1, 2, 3, 4],
  int32: [-2147483648, 2147483647, 0, -1, 5, 6],
  uint32: [0, 4294967295, 1, 2, 3, 4],
  int64: [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 5n, 6n],
  uint64: [0n, 2n ** 64n - 1n, 1n, 2n, 3n, 4n],
  bool: [0, 1, 1, 0, 0, 1],
};

for (const type of Object.keys(TYPES)) {
  for (const dims of [[2, 3], [6], [1, 2, 3, 1]]) {
    check(`roundtrip ${type} [${dims}]`, () => {
      const data = TYPES[type][1].from(SAMPLES[type]);
      const bytes = formatNpy({ type, dims, data });
      const headerLen = bytes.readUInt16LE(8);
      assert.strictEqual((10 + headerLen) % 64, 0, 'data offset not 64-aligned');
      assert.strictEqual(bytes[10 + headerLen - 1], 0x0a, 'header not newline-terminated');
      const back = parseNpy(bytes);
      assert.strictEqual(back.type, type);
      assert.deepStrictEqual(back.dims, dims);
      assert.deepStrictEqual(Array.from(back.data), Array.from(data));
    });
  }
}

// Scalars and empty arrays.
check('roundtrip 0-d scalar', () => {
  const bytes = formatNpy({ type: 'float32', dims: [], data: Float32Array.of(7) });
  assert.match(bytes.toString('latin1', 10, 80), /'shape': \(\), \}/);
  const back = parseNpy(bytes);
  assert.deepStrictEqual(back.dims, []);
  assert.strictEqual(back.data[0], 7);
});
check('roundtrip empty [0, 4]', () => {
  const back = parseNpy(formatNpy({ type: 'int32', dims: [0, 4], data: new Int32Array(0) }));
  assert.deepStrictEqual(back.dims, [0, 4]);
  assert.strictEqual(back.data.length, 0);
});

// Exact bytes of numpy 1.24's np.save(np.arange(6, dtype=np.float32).reshape(2, 3)) header.
check('header identical to numpy', () => {
  const bytes = formatNpy({ type: 'float32', dims: [2, 3], data: new Float32Array(6) });
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const header = dict + ' '.repeat(20) + ' '.repeat(128 - 10 - dict.length - 20 - 1) + '\n';
  assert.strictEqual(bytes.length, 128 + 24);
  assert.strictEqual(bytes.toString('latin1', 10, 128), header);
  assert.strictEqual(bytes.toString('latin1', 0, 8), '\x93NUMPY\x01\x00');
  assert.match(formatNpy({ type: 'int8', dims: [3], data: new Int8Array(3) }).toString('latin1'), /'shape': \(3,\), \}/);
});

// Hand-made version 2.0 and 3.0 files, an unaligned data offset and big-/other-endian rejects.
function handMade(major, header, dataBytes) {
  const lenBytes = major === 1 ? 2 : 4;
  const prefix = Buffer.alloc(8 + lenBytes);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(prefix);
  const h = Buffer.from(header, major === 3 ? 'utf8' : 'latin1');
  if (major === 1) prefix.writeUInt16LE(h.length, 8);
  else prefix.writeUInt32LE(h.length, 8);
  return Buffer.concat([prefix, h, Buffer.from(dataBytes)]);
}
const twoInt16 = [1, 0, 0xff, 0xff]; // [1, -1]
check('read v2', () => {
  const a = parseNpy(handMade(2, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }\n", twoInt16));
  assert.deepStrictEqual(Array.from(a.data), [1, -1]);
});
check('read v3', () => {
  const a = parseNpy(handMade(3, "{'descr':'<i2','fortran_order':False,'shape':(1,2)}   \n", twoInt16));
  assert.deepStrictEqual(a.dims, [1, 2]);
  assert.deepStrictEqual(Array.from(a.data), [1, -1]);
});
check('read unaligned offset', () => {
  const a = parseNpy(handMade(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}\n", [0, 0, 0x80, 0x3f]));
  assert.strictEqual(a.data[0], 1);
});
for (const [what, header, data] of [
  ['big-endian', "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", [0, 0, 0, 0]],
  ['fortran order', "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n", [0, 0, 0, 0]],
  ['complex', "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", [0, 0, 0, 0, 0, 0, 0, 0]],
  ['truncated data', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", [0, 0, 0, 0]],
]) {
  check(`reject ${what}`, () => assert.throws(() => parseNpy(handMade(1, header, data))));
}
check('reject non-npy', () => assert.throws(() => parseNpy(Buffer.from('hello world, not npy'))));

check('halfToFloat', () => {
  assert.deepStrictEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00].map(halfToFloat), [1, -2, 65504, 2 ** -24, Infinity]);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
});

check('sanitizeName', () => {
  assert.strictEqual(sanitizeName('logits'), 'logits');
  assert.strictEqual(sanitizeName('/model/conv1/Conv_output_0'), '_model_conv1_Conv_output_0');
  assert.strictEqual(sanitizeName('a b:c\\d'), 'a_b_c_d');
  assert.strictEqual(sanitizeName('..'), '__');
  assert.strictEqual(sanitizeName(''), '_');
});

check('parseArgs', () => {
  const o = parseArgs(['m.onnx', '--input', 'x=a.npy', '--input=y=b=c.npy', '--threads', '4'], { input: 'input', threads: 'int' }, { threads: 1 });
  assert.deepStrictEqual(o.inputs, [{ name: 'x', file: 'a.npy' }, { name: 'y', file: 'b=c.npy' }]);
  assert.strictEqual(o.threads, 4);
  assert.throws(() => parseArgs(['m.onnx', '--bogus'], { input: 'input' }, {}), /unknown flag --bogus/);
  assert.throws(() => parseArgs(['m.onnx', '--threads', 'x'], { threads: 'int' }, {}));
  assert.throws(() => parseArgs([], {}, {}));
});

console.log(`test_npy: ${count - failures}/${count} checks passed`);
process.exit(failures ? 1 : 0);
