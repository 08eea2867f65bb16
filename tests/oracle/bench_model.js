#!/usr/bin/env node
'use strict';
// Times an ONNX model under ONNX Runtime's CPU execution provider (Kiln's speed peer).
//
//   node tests/oracle/bench_model.js MODEL.onnx --input NAME=FILE.npy ... [--threads N]
//        [--warmup W] [--runs R] [--optimization all|basic|disabled] [--json]
//
// Does W untimed runs, then R timed runs of session.run() (wall clock, including the small
// onnxruntime-node binding overhead). Prints median/p10/p90 in ms, or with --json one object:
// {"model", "median_ms", "p10_ms", "p90_ms", "min_ms", "mean_ms", "runs", "warmup", "threads", "ort_version",
//  "times_ms" (every timed run, in order)}.

const { parseArgs, createSession, loadFeeds, runMain, loadOrt } = require('./common');

// Percentile with linear interpolation between closest ranks (numpy's default method).
function percentile(sorted, p) {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function main() {
  const opts = parseArgs(
    process.argv.slice(2),
    { input: 'input', threads: 'int', warmup: 'int', runs: 'int', optimization: 'string', json: 'bool' },
    { threads: 1, warmup: 5, runs: 20, optimization: 'all', json: false },
  );
  if (opts.runs < 1) throw new Error('--runs must be at least 1');
  const session = await createSession(opts.model, opts.threads, opts.optimization);
  const feeds = loadFeeds(session, opts.inputs);

  for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < opts.runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const times_in_order = times.slice();
  times.sort((a, b) => a - b);
  const r = (x) => Math.round(x * 1000) / 1000; // microsecond resolution
  const stats = {
    model: opts.model,
    median_ms: r(percentile(times, 0.5)),
    p10_ms: r(percentile(times, 0.1)),
    p90_ms: r(percentile(times, 0.9)),
    min_ms: r(times[0]),
    mean_ms: r(times.reduce((a, b) => a + b, 0) / times.length),
    runs: opts.runs,
    warmup: opts.warmup,
    threads: opts.threads,
    ort_version: loadOrt().env.versions.node,
  };
  // Every timed run, in run order, for callers that pool several invocations.
  if (opts.json) stats.times_ms = times_in_order.map(r);
  if (opts.json) {
    console.log(JSON.stringify(stats));
  } else {
    console.log(`${opts.model}: median ${stats.median_ms} ms, p10 ${stats.p10_ms} ms, p90 ${stats.p90_ms} ms ` +
      `(${stats.runs} runs after ${stats.warmup} warm-up, ${stats.threads} thread(s), ORT ${stats.ort_version})`);
  }
  return 0;
}

runMain('bench_model', main);
