'use strict';
// Minimal protobuf decoder for onnx.TensorProto (the input_N.pb / output_N.pb files of the ONNX
// backend test data). Only what those files use:
//   1 dims (int64, packed or not)   2 data_type   4 float_data   5 int32_data   6 string_data
//   7 int64_data   8 name   9 raw_data   10 double_data   11 uint64_data
// Other fields (segment, doc_string, external_data, ...) are skipped. Returns
// { name, type, dims, data } in the same form as npy.js (ORT type names, float16 as raw bits).

const fs = require('fs');

// TensorProto.DataType -> [ORT type name, typed array constructor]. 8 (STRING) is handled apart.
const DATA_TYPES = {
  1: ['float32', Float32Array],
  2: ['uint8', Uint8Array],
  3: ['int8', Int8Array],
  4: ['uint16', Uint16Array],
  5: ['int16', Int16Array],
  6: ['int32', Int32Array],
  7: ['int64', BigInt64Array],
  9: ['bool', Uint8Array],
  10: ['float16', Uint16Array],
  11: ['float64', Float64Array],
  12: ['uint32', Uint32Array],
  13: ['uint64', BigUint64Array],
};

const NOT_TENSOR = ' (not a TensorProto? SequenceProto/OptionalProto files are not supported)';

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
  }
  eof() {
    return this.pos >= this.buf.length;
  }
  // Varint as BigInt (unsigned, up to 64 bits).
  varint() {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  }
  bytes(n) {
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wireType) {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.bytes(8);
    else if (wireType === 2) this.bytes(Number(this.varint()));
    else if (wireType === 5) this.bytes(4);
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

// Reads a repeated scalar field occurrence, packed (wire type 2) or not, appending to out.
// kind: 'varint' | 'f32' | 'f64' | 'u64fixed'.
function readRepeated(r, wireType, kind, out) {
  const one = (rr) => {
    if (kind === 'varint') out.push(rr.varint());
    else if (kind === 'f32') out.push(rr.bytes(4).readFloatLE(0));
    else out.push(rr.bytes(8).readDoubleLE(0));
  };
  if (wireType === 2) {
    const sub = new Reader(r.bytes(Number(r.varint())));
    while (!sub.eof()) one(sub);
  } else {
    one(r);
  }
}

function parseTensorProto(buf, what = 'TensorProto') {
  const r = new Reader(buf);
  const dims = [];
  const f = { float: [], int32: [], int64: [], double: [], uint64: [], string: [] };
  let dataType = 0;
  let name = '';
  let raw = null;
  try {
    while (!r.eof()) {
      const key = Number(r.varint());
      const field = key >>> 3;
      const wt = key & 7;
      switch (field) {
        case 1: readRepeated(r, wt, 'varint', dims); break;
        case 2: dataType = Number(r.varint()); break;
        case 4: readRepeated(r, wt, 'f32', f.float); break;
        case 5: readRepeated(r, wt, 'varint', f.int32); break;
        case 6: f.string.push(r.bytes(Number(r.varint())).toString('utf8')); break;
        case 7: readRepeated(r, wt, 'varint', f.int64); break;
        case 8: name = r.bytes(Number(r.varint())).toString('utf8'); break;
        case 9: raw = Buffer.from(r.bytes(Number(r.varint()))); break;
        case 10: readRepeated(r, wt, 'f64', f.double); break;
        case 11: readRepeated(r, wt, 'varint', f.uint64); break;
        default: r.skip(wt);
      }
    }
  } catch (e) {
    throw new Error(`${what}: ${e.message}`);
  }
  const shape = dims.map((d) => Number(BigInt.asIntN(64, d)));
  const count = shape.reduce((n, d) => n * d, 1);

  if (dataType === 8) return { name, type: 'string', dims: shape, data: f.string };
  const entry = DATA_TYPES[dataType];
  if (!entry) throw new Error(`${what}: unsupported data_type ${dataType}${dataType ? '' : NOT_TENSOR}`);
  const [type, Ctor] = entry;
  let data;
  if (raw) {
    if (raw.length !== count * Ctor.BYTES_PER_ELEMENT) throw new Error(`${what}: raw_data size ${raw.length} does not match shape [${shape}]`);
    const copy = new Uint8Array(raw.length); // aligned copy
    copy.set(raw);
    data = new Ctor(copy.buffer, 0, count);
  } else {
    // Typed fields: which one holds which data_type is fixed by onnx.proto.
    let src;
    if (type === 'float32') src = f.float;
    else if (type === 'float64') src = f.double;
    else if (type === 'int64') src = f.int64.map((v) => BigInt.asIntN(64, v));
    else if (type === 'uint32' || type === 'uint64') src = f.uint64;
    else src = f.int32.map((v) => Number(BigInt.asIntN(32, v))); // int8/16/32, uint8/16, bool, float16 bits
    if (src.length !== count) throw new Error(`${what}: ${src.length} values, shape [${shape}] needs ${count}${NOT_TENSOR}`);
    data = new Ctor(count);
    for (let i = 0; i < count; i++) {
      const v = src[i];
      data[i] = Ctor === BigInt64Array || Ctor === BigUint64Array ? BigInt(v) : Number(v);
    }
  }
  return { name, type, dims: shape, data };
}

function readTensorProto(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.code || e.message}`);
  }
  return parseTensorProto(buf, file);
}

module.exports = { parseTensorProto, readTensorProto };
