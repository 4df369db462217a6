#!/usr/bin/env node
// `lantern bench [suite]` runs this file in a child process, so that LANTERN_NUM_THREADS and the
// BLAS thread variables are set before Lantern's native core and the peers start.
//   node bench/run.mjs [suite] [--json] [--quick] [--threads N] [--peers a,b] [--only id,id] [--no-record]
// Exit codes: 0 done, 2 bad arguments. Everything but the --json document goes to stderr.
import { parseArgs } from "node:util";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { basename, dirname, join } from "node:path";
import { FULL, QUICK, measureWorkload, reason } from "./harness.mjs";
import { evaluateChecks, jsonReport, resultsMarkdown, terminalReport } from "./report.mjs";
import { cpuModel, loadAverage, vectorFlags } from "./machine.mjs";
import { pythonInfo, stopPython } from "./peers/python.mjs";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(BENCH_DIR, "RESULTS.md");
const OUTPUT = new URL("../dist/src/cli/output.js", import.meta.url);

// Peers print banners with console.log (TF.js's "Hi, looks like you are running TensorFlow.js in
// Node.js"): stdout is kept for the --json document alone.
console.log = console.info = console.warn = console.error;

function fail(message) {
  console.error(`lantern: bench: ${message}`);
  process.exit(2);
}

function suiteNames() {
  return readdirSync(join(BENCH_DIR, "suites")).filter((f) => f.endsWith(".mjs")).map((f) => basename(f, ".mjs")).sort();
}

function notInstalled(error) {
  return error?.code === "ERR_MODULE_NOT_FOUND" && !String(error.message).includes("/dist/");
}

async function startPeers(peers, threads) {
  const started = [];
  for (const peer of peers) {
    try {
      const info = await peer.start({ threads });
      started.push({ ...peer, info });
      console.error(`  ${peer.label}: ${info}`);
    } catch (error) {
      const why = notInstalled(error) ? "not installed (run `npm run bench:setup`)" : reason(error);
      started.push({ ...peer, error: why });
      console.error(`  ${peer.label}: cannot run: ${why}`);
    }
  }
  return started;
}

/** Which OpenBLAS kernel the Python references ran, and why it was forced (what torch_peer.py saw). */
async function openblasNote() {
  const info = await pythonInfo();
  if (!info) return "the Python references did not run";
  const forced = info.openblasCoretype
    ? `Python references run with OPENBLAS_CORETYPE=${info.openblasCoretype}${info.openblasCoretype === "SkylakeX" ? " (Debian's OpenBLAS 0.3.21 misdetects this CPU as Prescott and runs 4.6x below its AVX-512 kernel)" : ""}`
    : "OPENBLAS_CORETYPE unset (no AVX-512 on this CPU)";
  return `${forced}; NumPy's BLAS: ${info.blas}`;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: "boolean" }, quick: { type: "boolean" }, threads: { type: "string" }, peers: { type: "string" },
      only: { type: "string" }, "no-record": { type: "boolean" },
    },
  });
  const name = positionals[0] ?? "core";
  if (positionals.length > 1) fail(`expected one suite, got ${positionals.join(", ")}`);
  if (!suiteNames().includes(name)) fail(`unknown suite "${name}" (expected one of ${suiteNames().join(", ")})`);
  const threads = Number(values.threads ?? process.env.LANTERN_NUM_THREADS ?? 1);
  if (!Number.isInteger(threads) || threads < 1) fail(`--threads must be a positive integer, got "${values.threads}"`);
  const suite = (await import(`./suites/${name}.mjs`)).default;

  if (suite.notImplemented) {
    console.error(`lantern bench ${name}: ${suite.notImplemented}`);
    if (values.json) process.stdout.write(`${JSON.stringify({ suite: name, implemented: false, message: suite.notImplemented }, null, 2)}\n`);
    return;
  }
  let peers = suite.peers;
  if (values.peers) {
    const wanted = values.peers.split(",").map((s) => s.trim());
    const unknown = wanted.filter((id) => !peers.some((p) => p.id === id));
    if (unknown.length) fail(`--peers: unknown peer "${unknown[0]}" (expected some of ${peers.map((p) => p.id).join(", ")})`);
    peers = peers.filter((p) => p.id === "lantern" || wanted.includes(p.id));
  }
  process.env.LANTERN_NUM_THREADS ??= String(threads);
  const mode = values.quick ? QUICK : FULL;
  console.error(`lantern bench ${name}${values.quick ? " --quick" : ""}: ${threads} thread(s); starting peers`);
  const loadAtStart = loadAverage();
  const peerList = await startPeers(peers, threads);
  const lantern = peerList.find((p) => p.id === "lantern");
  let workloads = suite.workloads(Boolean(values.quick));
  if (values.only) {
    const wanted = values.only.split(",").map((s) => s.trim());
    const unknown = wanted.filter((id) => !workloads.some((w) => w.id === id));
    if (unknown.length) fail(`--only: unknown workload "${unknown[0]}" (expected some of ${workloads.map((w) => w.id).join(", ")})`);
    workloads = workloads.filter((w) => wanted.includes(w.id));
  }
  const measured = [];
  for (const workload of workloads) {
    console.error(`${workload.title}`);
    measured.push({ workload, results: await measureWorkload(workload, peerList, mode, console.error) });
  }
  const run = {
    suite, measured, peerList, threads, quick: Boolean(values.quick), rounds: mode.rounds, date: new Date().toISOString(),
    peers: peerList.map((p) => ({ id: p.id, label: p.label, ...(p.error ? { error: p.error } : { info: p.info }) })),
    checks: evaluateChecks(suite, measured),
    machine: {
      cpu: cpuModel(), vectorExtensions: vectorFlags(), node: process.version,
      loadAverage: { start: loadAtStart, end: loadAverage() }, backend: lantern?.backend?.() ?? "unavailable",
      openblasNote: await openblasNote(), openblasCoretype: (await pythonInfo())?.openblasCoretype ?? null,
    },
  };
  await stopPython();
  const { formatTable, writeFileAtomic } = await import(OUTPUT.href);
  const table = `${terminalReport(run, formatTable)}\n`;
  if (values.json) process.stderr.write(table);
  else process.stdout.write(table);
  // RESULTS.md holds whole runs only: a quick or partial (--only) run would replace it with fewer rows.
  if (!values.quick && !values.only && !values["no-record"]) {
    writeFileAtomic(RESULTS, resultsMarkdown(RESULTS, run));
    console.error(`\nrecorded in ${RESULTS}`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify(jsonReport(run), null, 2)}\n`);
}

if (!existsSync(fileURLToPath(OUTPUT))) fail("dist/ missing: run `npm run build` first");
try {
  await main();
} catch (error) {
  if (error?.code?.startsWith?.("ERR_PARSE_ARGS")) fail(error.message);
  throw error;
}
