#!/usr/bin/env node
'use strict';
// Runs an ONNX model with ONNX Runtime's CPU execution provider and writes every output as .npy.
//
//   node tests/oracle/run_model.js MODEL.onnx --input NAME=FILE.npy ... --output-dir DIR
//        [--threads N] [--optimization all|basic|disabled]
//
// Writes DIR/<output name>.npy for every model output (names sanitized for file names; a mapping
// line is printed for each renamed output). On any error: one line on stderr, exit code 1 and no
// output files (outputs go to temp files that are renamed only once all of them are written).

const fs = require('fs');
const path = require('path');
const { formatNpy } = require('./npy');
const { parseArgs, createSession, loadFeeds, sanitizeName, runMain } = require('./common');

const USAGE = 'usage: run_model.js MODEL.onnx --input NAME=FILE.npy ... --output-dir DIR [--threads N] [--optimization all|basic|disabled]';

async function main() {
  const opts = parseArgs(
    process.argv.slice(2),
    { input: 'input', 'output-dir': 'string', threads: 'int', optimization: 'string', help: 'bool' },
    { threads: 1, optimization: 'all' },
  );
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  if (!opts['output-dir']) throw new Error(`--output-dir is required (${USAGE})`);
  const outDir = opts['output-dir'];

  const session = await createSession(opts.model, opts.threads, opts.optimization);
  const feeds = loadFeeds(session, opts.inputs);
  const results = await session.run(feeds);

  // Serialize everything in memory first so that a failure leaves no files behind.
  const files = [];
  const used = new Set();
  for (const name of session.outputNames) {
    const t = results[name];
    if (!t || typeof t.dims === 'undefined') throw new Error(`output '${name}' is not a tensor`);
    let stem = sanitizeName(name);
    for (let k = 2; used.has(stem); k++) stem = `${sanitizeName(name)}_${k}`;
    used.add(stem);
    const bytes = formatNpy({ type: t.type, dims: Array.from(t.dims, Number), data: t.data });
    files.push({ name, file: path.join(outDir, `${stem}.npy`), bytes, renamed: stem !== name });
  }

  fs.mkdirSync(outDir, { recursive: true });
  const temps = [];
  try {
    for (const f of files) {
      const tmp = `${f.file}.tmp-${process.pid}`;
      temps.push(tmp);
      fs.writeFileSync(tmp, f.bytes);
    }
  } catch (e) {
    for (const tmp of temps) fs.rmSync(tmp, { force: true });
    throw new Error(`cannot write to ${outDir}: ${e.code || e.message}`);
  }
  files.forEach((f, i) => fs.renameSync(temps[i], f.file));
  for (const f of files) {
    if (f.renamed) console.log(`output '${f.name}' -> ${path.basename(f.file)}`);
  }
  return 0;
}

runMain('run_model', main);
