// Renders a finished run three ways: the terminal table, the JSON document of --json, and the suite's
// section of bench/RESULTS.md (each suite owns one section, replaced when that suite runs in full).
import { existsSync, readFileSync } from "node:fs";
import { buildTable, ratio } from "./harness.mjs";

const RATIO_NOTE = "Cells: value (peer time / Lantern time). Above 1.00x Lantern is faster; for GFLOP/s rows that is Lantern's rate / the peer's.";

/** Each check of the suite ("every JS peer >= 4x slower") against every row where its peers ran. */
export function evaluateChecks(suite, measured) {
  return (suite.checks ?? []).map((check) => {
    const failures = [];
    let rows = 0;
    for (const { workload, results } of measured) {
      for (const peer of check.peers) {
        const r = ratio(results, peer);
        if (r === undefined) continue;
        rows++;
        if (r < check.min) failures.push(`${peer} on ${workload.title}: ${r.toFixed(2)}x`);
      }
    }
    return { text: check.text, comparisons: rows, met: failures.length === 0 && rows > 0, failures };
  });
}

function checkLines(checks) {
  return checks.map((c) =>
    c.comparisons === 0 ? `${c.text}: not measured` : `${c.text}: ${c.met ? "met" : "MISSED"} (${c.comparisons} comparisons${c.met ? "" : `; ${c.failures.join(", ")}`})`,
  );
}

/** Said under the table too, since it changes the reference's numbers 4.6-fold. */
function openblasLegend(run) {
  const coretype = run.machine.openblasCoretype;
  if (!coretype) return [];
  const why = coretype === "SkylakeX" ? " (OpenBLAS's AVX-512 kernel instead of the misdetected Prescott one)" : "";
  return [`PyTorch and NumPy ran with OPENBLAS_CORETYPE=${coretype}${why}.`];
}

function environmentLines(run) {
  return [
    `date: ${run.date}`,
    `CPU: ${run.machine.cpu}; vector extensions: ${run.machine.vectorExtensions.join(", ") || "none listed"}`,
    `Node ${run.machine.node}; Lantern backend: ${run.machine.backend}; threads: ${run.threads} (LANTERN_NUM_THREADS, torch.set_num_threads, OMP/MKL/OPENBLAS_NUM_THREADS, onnxruntime intra-op)`,
    `OpenBLAS: ${run.machine.openblasNote}`,
    `load average (1 min) at start / end: ${run.machine.loadAverage.start} / ${run.machine.loadAverage.end} (other processes shared the CPU when above the core count)`,
    `mode: ${run.quick ? "quick (fewer rounds, smaller sizes)" : "full"}; medians over up to ${run.rounds} alternating rounds after warm-up`,
    ...run.peers.map((p) => `${p.label}: ${p.info ?? `cannot run: ${p.error}`}`),
  ];
}

export function terminalReport(run, formatTable) {
  const { header, rows, notes, legend } = buildTable(run.suite, run.measured, run.peerList);
  return [
    `\nlantern bench ${run.suite.name}`,
    ...environmentLines(run).map((l) => `  ${l}`),
    "",
    formatTable(header, rows),
    "",
    RATIO_NOTE,
    ...openblasLegend(run),
    ...(run.suite.legend ?? []),
    ...legend,
    ...notes.map((n, i) => `[${i + 1}] ${n}`),
    ...checkLines(run.checks),
  ].join("\n");
}

export function jsonReport(run) {
  return {
    suite: run.suite.name,
    date: run.date,
    quick: run.quick,
    threads: run.threads,
    machine: run.machine,
    peers: run.peers,
    ratio: "peer seconds / Lantern seconds (>1: Lantern faster)",
    workloads: run.measured.map(({ workload, results }) => ({
      id: workload.id,
      title: workload.title,
      metric: workload.metric,
      flops: workload.flops,
      params: workload.params,
      target: workload.target,
      results: Object.fromEntries(
        Object.entries(results).map(([peer, r]) => [
          peer,
          r.error ? r : { ...r, ...(workload.flops ? { gflops: workload.flops / r.seconds / 1e9 } : {}), ratio: ratio(results, peer) },
        ]),
      ),
    })),
    checks: run.checks,
  };
}

function markdownTable(header, rows) {
  const escape = (cell) => String(cell).replaceAll("|", "\\|");
  return [header, header.map(() => "---"), ...rows].map((r) => `| ${r.map(escape).join(" | ")} |`).join("\n");
}

function markdownSection(run) {
  const { header, rows, notes, legend } = buildTable(run.suite, run.measured, run.peerList);
  return [
    `## ${run.suite.name}`,
    "",
    ...environmentLines(run).map((l) => `- ${l}`),
    "",
    markdownTable(header, rows),
    "",
    RATIO_NOTE,
    ...[...openblasLegend(run), ...(run.suite.legend ?? []), ...legend].map((l) => `\n${l}`),
    "",
    ...notes.map((n, i) => `${i + 1}. ${n}`),
    "",
    ...checkLines(run.checks).map((l) => `- ${l}`),
  ].join("\n");
}

const TITLE = "# Lantern benchmark results\n\nWritten by `lantern bench <suite>` (`npm run bench`); a full run of a suite replaces that suite's section.\n";

/** RESULTS.md with this suite's section replaced (or appended), the other suites' sections kept. */
export function resultsMarkdown(path, run) {
  const begin = `<!-- suite:${run.suite.name} -->`;
  const end = `<!-- /suite:${run.suite.name} -->`;
  const section = `${begin}\n${markdownSection(run)}\n${end}`;
  const old = existsSync(path) ? readFileSync(path, "utf8") : TITLE;
  const start = old.indexOf(begin);
  const stop = old.indexOf(end);
  if (start >= 0 && stop > start) return old.slice(0, start) + section + old.slice(stop + end.length);
  return `${old.trimEnd()}\n\n${section}\n`;
}
