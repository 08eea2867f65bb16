#!/usr/bin/env node
'use strict';
// Converts an ONNX TensorProto file (e.g. a backend test case's input_0.pb) to .npy and prints
// the tensor's name.
//
//   node tests/oracle/pb_to_npy.js IN.pb OUT.npy

const { readTensorProto } = require('./tensorproto');
const { writeNpy } = require('./npy');

try {
  const args = process.argv.slice(2);
  if (args.length !== 2 || args.some((a) => a.startsWith('--'))) throw new Error('usage: pb_to_npy.js IN.pb OUT.npy');
  const t = readTensorProto(args[0]);
  if (t.type === 'string') throw new Error(`${args[0]}: string tensors cannot be written as .npy`);
  writeNpy(args[1], t);
  console.log(t.name);
} catch (e) {
  process.stderr.write(`pb_to_npy: error: ${e.message}\n`);
  process.exit(1);
}
