'use strict';
// Shared pieces of run_model.js and bench_model.js: argument parsing, session creation with the
// CPU execution provider, loading .npy inputs and checking them against the model's inputs.

const fs = require('fs');
const path = require('path');
const { readNpy } = require('./npy');

let ort;
function loadOrt() {
  if (!ort) {
    try {
      ort = require('onnxruntime-node');
      ort.env.logLevel = 'fatal';
    } catch (e) {
      throw new Error(`onnxruntime-node is not installed in ${__dirname}/node_modules (run tools/setup.sh)`);
    }
  }
  return ort;
}

// Parses argv (after "node script"): one positional MODEL.onnx plus flags.
// spec maps flag name -> 'string' | 'int' | 'bool' | 'input' (repeatable NAME=FILE).
function parseArgs(argv, spec, defaults) {
  const opts = { ...defaults, inputs: [] };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    let name = arg.slice(2);
    let value;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const kind = spec[name];
    if (!kind) throw new Error(`unknown flag --${name}`);
    if (kind === 'bool') {
      if (value !== undefined) throw new Error(`--${name} takes no value`);
      opts[name] = true;
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new Error(`--${name} needs a value`);
      value = argv[++i];
    }
    if (kind === 'int') {
      if (!/^\d+$/.test(value)) throw new Error(`--${name} needs a non-negative integer, got '${value}'`);
      opts[name] = Number(value);
    } else if (kind === 'input') {
      const sep = value.indexOf('=');
      if (sep <= 0) throw new Error(`--input needs NAME=FILE.npy, got '${value}'`);
      opts.inputs.push({ name: value.slice(0, sep), file: value.slice(sep + 1) });
    } else {
      opts[name] = value;
    }
  }
  if (positional.length !== 1) throw new Error(`expected exactly one MODEL.onnx argument, got ${positional.length}`);
  opts.model = positional[0];
  return opts;
}

// Creates a CPU-only session. threads = intra-op threads; inter-op is always 1 (sequential).
async function createSession(model, threads, optimization) {
  const levels = { all: 'all', basic: 'basic', disabled: 'disabled' };
  if (!levels[optimization]) throw new Error(`--optimization must be all, basic or disabled, got '${optimization}'`);
  if (threads < 1) throw new Error('--threads must be at least 1');
  try {
    fs.accessSync(model, fs.constants.R_OK);
  } catch (e) {
    throw new Error(`cannot read model ${model}: ${e.code || e.message}`);
  }
  const o = loadOrt();
  return o.InferenceSession.create(path.resolve(model), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: levels[optimization],
    logSeverityLevel: 4, // fatal only: errors reach the caller as exceptions, keep stderr to one line
  });
}

// Reads every --input file and builds the feeds, checking names and dtypes against the model.
function loadFeeds(session, inputs) {
  const o = loadOrt();
  const meta = new Map(session.inputMetadata.map((m) => [m.name, m]));
  const feeds = {};
  for (const { name, file } of inputs) {
    const m = meta.get(name);
    if (!m) throw new Error(`model has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    if (name in feeds) throw new Error(`input '${name}' given twice`);
    const arr = readNpy(file);
    if (m.isTensor && m.type !== arr.type) {
      throw new Error(`input '${name}': model expects ${m.type}, ${file} holds ${arr.type}`);
    }
    feeds[name] = new o.Tensor(arr.type, arr.data, arr.dims);
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) throw new Error(`missing input(s): ${missing.join(', ')}`);
  return feeds;
}

// Output name -> safe file stem: anything outside [A-Za-z0-9._-] becomes '_'.
function sanitizeName(name) {
  let s = name.replace(/[^A-Za-z0-9._-]/g, '_');
  if (s === '' || /^\.+$/.test(s)) s = s.replace(/\./g, '_') || '_';
  return s;
}

// Runs main(); any thrown error becomes a one-line "prog: error: ..." on stderr and exit 1.
function runMain(prog, main) {
  main().then(
    (code) => process.exit(code || 0),
    (e) => {
      const msg = String((e && e.message) || e).replace(/\s*\n\s*/g, ' ').trim();
      process.stderr.write(`${prog}: error: ${msg}\n`);
      process.exit(1);
    },
  );
}

module.exports = { loadOrt, parseArgs, createSession, loadFeeds, sanitizeName, runMain };
