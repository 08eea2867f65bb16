'use strict';
// Minimal, dependency-free .npy reader/writer for the ONNX Runtime oracle.
//
// Reads format versions 1.0, 2.0 and 3.0; writes 1.0 byte-for-byte as numpy 1.24 np.save does
// (dict keys in numpy's order, space-padded and '\n'-terminated so that the data starts at a
// multiple of 64 bytes). Little-endian only ('<' or '|'; '=' is accepted, as every supported
// host is little-endian); C order only.
//
// An array is { type, dims, data }, where type is an ONNX Runtime tensor type name:
//   float32 float64 float16 int8 uint8 int16 uint16 int32 uint32 int64 uint64 bool
// dims is an array of Numbers and data a typed array. float16 data is the raw IEEE half bits in
// a Uint16Array (what onnxruntime-node expects); bool data is a Uint8Array of 0/1.

const fs = require('fs');

// ORT type name -> [npy descr, typed array constructor].
const TYPES = {
  float32: ['<f4', Float32Array],
  float64: ['<f8', Float64Array],
  float16: ['<f2', Uint16Array],
  int8: ['|i1', Int8Array],
  uint8: ['|u1', Uint8Array],
  int16: ['<i2', Int16Array],
  uint16: ['<u2', Uint16Array],
  int32: ['<i4', Int32Array],
  uint32: ['<u4', Uint32Array],
  int64: ['<i8', BigInt64Array],
  uint64: ['<u8', BigUint64Array],
  bool: ['|b1', Uint8Array],
};

// npy descr without its byte-order character -> ORT type name.
const DESCR_TO_TYPE = {};
for (const [type, [descr]] of Object.entries(TYPES)) DESCR_TO_TYPE[descr.slice(1)] = type;

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"

function elementCount(dims) {
  return dims.reduce((n, d) => n * d, 1);
}

// Parses a .npy file's bytes. Throws an Error with a one-line message on anything unsupported.
function parseNpy(buf, what = 'npy data') {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw new Error(`${what}: not a .npy file (bad magic)`);
  const major = buf[6];
  let headerLen;
  let offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new Error(`${what}: truncated header`);
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    throw new Error(`${what}: unsupported .npy format version ${major}.${buf[7]}`);
  }
  if (offset + headerLen > buf.length) throw new Error(`${what}: truncated header`);
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', offset, offset + headerLen);
  const dataStart = offset + headerLen;

  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortranMatch = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch) throw new Error(`${what}: malformed header ${JSON.stringify(header.trim())}`);
  if (fortranMatch[1] === 'True') throw new Error(`${what}: fortran_order arrays are not supported`);
  const descr = descrMatch[1];
  const order = descr[0];
  const type = DESCR_TO_TYPE[descr.slice(1)];
  if (!type || !'<|='.includes(order)) throw new Error(`${what}: unsupported dtype '${descr}'`);
  const dims = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (!/^\d+$/.test(s)) throw new Error(`${what}: bad shape entry '${s}'`);
    return Number(s);
  });

  const Ctor = TYPES[type][1];
  const count = elementCount(dims);
  const byteLength = count * Ctor.BYTES_PER_ELEMENT;
  if (buf.length - dataStart < byteLength) {
    throw new Error(`${what}: truncated data (${buf.length - dataStart} bytes, shape needs ${byteLength})`);
  }
  // Copy into a fresh, aligned ArrayBuffer (the data offset need not be element-aligned).
  const bytes = new Uint8Array(byteLength);
  bytes.set(buf.subarray(dataStart, dataStart + byteLength));
  const data = new Ctor(bytes.buffer, 0, count);
  if (type === 'bool' && data.some((v) => v > 1)) throw new Error(`${what}: bool data holds values other than 0/1`);
  return { type, dims, data };
}

function readNpy(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.code || e.message}`);
  }
  return parseNpy(buf, file);
}

// Formats the header dict exactly as numpy does: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
function headerDict(descr, dims) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
}

// Serializes an array to .npy (format 1.0) bytes.
function formatNpy({ type, dims, data }) {
  if (!TYPES[type]) throw new Error(`cannot write tensor of type '${type}' to .npy`);
  const [descr, Ctor] = TYPES[type];
  const count = elementCount(dims);
  if (data.length !== count) throw new Error(`data has ${data.length} elements, shape [${dims}] needs ${count}`);
  if (data.BYTES_PER_ELEMENT !== Ctor.BYTES_PER_ELEMENT) throw new Error(`data array does not match type '${type}'`);
  // Exactly numpy's np.save (numpy/lib/format.py, numpy >= 1.23, e.g. Debian 12's 1.24): the
  // dict, then 21 - len(str(dims[0])) spare spaces for in-place growth, then space padding and a
  // '\n' so that magic(6) + version(2) + length(2) + header is a multiple of 64 (numpy pads a full
  // 64 when already aligned).
  let header = headerDict(descr, dims);
  if (dims.length > 0) header += ' '.repeat(Math.max(0, 21 - String(dims[0]).length));
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad) + '\n';
  if (header.length > 0xffff) throw new Error('npy header too long for format 1.0');
  const prefix = Buffer.alloc(10);
  MAGIC.copy(prefix, 0);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]);
}

// Writes atomically: a temp file next to the target, then rename.
function writeNpy(file, array) {
  const bytes = formatNpy(array);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

// Converts IEEE half bits to a Number (for comparisons and printing).
function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

module.exports = { TYPES, parseNpy, readNpy, formatNpy, writeNpy, headerDict, halfToFloat, elementCount };
