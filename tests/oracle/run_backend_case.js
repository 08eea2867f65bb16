#!/usr/bin/env node
'use strict';
// Runs one ONNX backend test case (CASE_DIR/model.onnx with test_data_set_*/input_N.pb) through
// ONNX Runtime's CPU provider and compares against output_N.pb (see compare.js for tolerances).
//
//   node tests/oracle/run_backend_case.js CASE_DIR [--optimization all|basic|disabled]
//
// Prints one verdict line, "PASS <case> ..." (exit 0) or "FAIL <case>: ..." (exit 1).

const fs = require('fs');
const path = require('path');
const { readTensorProto } = require('./tensorproto');
const { compareArrays, maxAbsDiff } = require('./compare');
const { loadOrt, parseArgs, createSession } = require('./common');

// Files named PREFIX<N>.pb in dir, ordered by N.
function numbered(dir, prefix) {
  return fs.readdirSync(dir)
    .map((f) => ({ f, m: new RegExp(`^${prefix}(\\d+)\\.pb$`).exec(f) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => path.join(dir, x.f));
}

async function main(caseName) {
  const opts = parseArgs(process.argv.slice(2), { optimization: 'string' }, { optimization: 'all' });
  const dir = opts.model;
  const ort = loadOrt();
  const session = await createSession(path.join(dir, 'model.onnx'), 1, opts.optimization);
  const sets = fs.readdirSync(dir).filter((d) => /^test_data_set_\d+$/.test(d)).sort();
  if (!sets.length) throw new Error('no test_data_set_* directories');
  let maxDiff = 0;
  let nOutputs = 0;
  for (const set of sets) {
    const setDir = path.join(dir, set);
    // Inputs: by the name stored in the .pb when it is a model input, else by position.
    const feeds = {};
    numbered(setDir, 'input_').forEach((file, i) => {
      const t = readTensorProto(file);
      const name = session.inputNames.includes(t.name) ? t.name : session.inputNames[i];
      if (name === undefined) throw new Error(`${set}: more input files than model inputs`);
      feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    });
    const results = await session.run(feeds);
    const outFiles = numbered(setDir, 'output_');
    if (outFiles.length !== session.outputNames.length) {
      throw new Error(`${set}: ${outFiles.length} output files, model has ${session.outputNames.length} outputs`);
    }
    outFiles.forEach((file, i) => {
      const want = readTensorProto(file);
      const name = session.outputNames.includes(want.name) ? want.name : session.outputNames[i];
      const got = results[name];
      const gotArr = { type: got.type, dims: Array.from(got.dims, Number), data: got.data };
      const err = compareArrays(gotArr, want);
      if (err) throw new Error(`${set} output '${name}': ${err}`);
      maxDiff = Math.max(maxDiff, maxAbsDiff(gotArr, want));
      nOutputs++;
    });
  }
  console.log(`PASS ${caseName} (${sets.length} data set(s), ${nOutputs} output(s) checked, max |diff| ${maxDiff.toExponential(2)})`);
}

const caseName = path.basename(path.resolve(process.argv[2] || '.'));
main(caseName).then(
  () => process.exit(0),
  (e) => {
    console.log(`FAIL ${caseName}: ${String(e.message || e).replace(/\s*\n\s*/g, ' ')}`);
    process.exit(1);
  },
);
