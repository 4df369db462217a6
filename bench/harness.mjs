// Measurement: every contender of a workload is set up, warmed up, then timed in rounds that
// alternate the contenders (the order rotates each round), so a slow drift of the machine (thermal,
// a neighbour's load) falls on all of them alike. Each contender reports the median of its rounds.

/** How long one round of one contender runs, and how many rounds. */
export const FULL = { rounds: 7, roundSeconds: 0.25, minIterations: 1, budgetSeconds: 12 };
export const QUICK = { rounds: 3, roundSeconds: 0.05, minIterations: 1, budgetSeconds: 2 };

/** Thrown by a peer's setup for a workload outside its kind (NumPy has no convolution): shown as "-", no note. */
export class NotApplicable extends Error {}

/** The short reason a peer cannot run: the first line of its error. */
export function reason(error) {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].slice(0, 160);
}

/** Runs `run(n)` and returns seconds per iteration. A run may time itself (a Python peer) and return seconds. */
async function time(run, n) {
  const start = performance.now();
  const reported = await run(n);
  const wall = (performance.now() - start) / 1000;
  return (typeof reported === "number" ? reported : wall) / n;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Measures one workload on every started peer. Returns {peerId: {seconds (the median), best,
 * rounds, iterations, spread} | {error} | {skipped}}. `spread` is (max - min) / median over the rounds.
 */
export async function measureWorkload(workload, peers, mode, log) {
  const contenders = [];
  const results = {};
  for (const peer of peers) {
    if (peer.error) {
      results[peer.id] = { error: peer.error };
      continue;
    }
    try {
      const run = await peer.setup(workload);
      // The first call compiles, allocates and fills caches. A contender that takes seconds per
      // iteration (TF.js cpu) is warm after it; a faster one warms up for about a round more.
      let estimate = await time(run, 1);
      if (estimate > mode.budgetSeconds) {
        // One iteration outlasts the whole budget (TF.js cpu and jax-js convolutions): the first run is the sample.
        contenders.push({ peer, run, iterations: 1, rounds: 1, samples: [estimate], cold: true });
        continue;
      }
      if (estimate < mode.budgetSeconds / 4) {
        estimate = await time(run, 1);
        if (estimate < mode.roundSeconds) estimate = await time(run, Math.ceil(mode.roundSeconds / estimate));
      }
      // A workload may ask for longer rounds (training steps timed in stretches of 100), as far as the budget allows.
      const asked = Math.min(workload.roundIterations ?? 0, Math.floor(mode.budgetSeconds / estimate));
      const iterations = Math.max(mode.minIterations, Math.ceil(mode.roundSeconds / estimate), asked);
      const rounds = Math.max(1, Math.min(mode.rounds, Math.floor(mode.budgetSeconds / (estimate * iterations))));
      contenders.push({ peer, run, iterations, rounds, samples: [] });
    } catch (error) {
      await peer.release?.(workload);
      if (error instanceof NotApplicable) {
        results[peer.id] = { skipped: reason(error) };
        continue;
      }
      results[peer.id] = { error: reason(error) };
      log(`  ${peer.id}: ${reason(error)}`);
    }
  }
  const maxRounds = Math.max(0, ...contenders.map((c) => c.rounds));
  for (let r = 0; r < maxRounds; r++) {
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    for (const c of order) {
      if (c.samples.length >= c.rounds || c.error) continue;
      try {
        c.samples.push(await time(c.run, c.iterations));
      } catch (error) {
        c.error = reason(error);
      }
    }
  }
  for (const c of contenders) {
    await c.peer.release?.(workload);
    if (c.error) {
      results[c.peer.id] = { error: c.error };
      continue;
    }
    const seconds = median(c.samples);
    const spread = (Math.max(...c.samples) - Math.min(...c.samples)) / seconds;
    const best = Math.min(...c.samples);
    results[c.peer.id] = { seconds, best, rounds: c.samples.length, iterations: c.iterations, spread, ...(c.cold ? { cold: true } : {}) };
    log(`  ${c.peer.id.padEnd(12)} ${formatValue(workload, seconds).padStart(9)} ${workload.metric}  (${c.samples.length}x${c.iterations}, spread ${(spread * 100).toFixed(0)}%)`);
  }
  return results;
}

/**
 * The number shown for a time: GFLOP/s when the workload counts FLOPs, else milliseconds, or seconds
 * for an "s" row; a row whose value covers several iterations (an epoch of steps) says how many in
 * `iterationsPerValue`.
 */
export function formatValue(workload, seconds) {
  const time = seconds * (workload.iterationsPerValue ?? 1);
  const value = workload.metric === "GFLOP/s" ? workload.flops / seconds / 1e9 : workload.metric === "s" ? time : time * 1e3;
  return value < 10 ? value.toPrecision(2) : value.toFixed(value < 1000 ? 1 : 0);
}

/** Peer time / Lantern time: above 1 Lantern is faster (for GFLOP/s rows the same number is Lantern's rate / the peer's). */
export function ratio(results, peerId) {
  const own = results.lantern?.seconds;
  const peer = results[peerId]?.seconds;
  return own && peer ? peer / own : undefined;
}

/** "met 0.95x" / "missed 0.80x" for a workload's target, or "" when it has none. */
export function targetVerdict(workload, results) {
  const target = workload.target;
  if (!target) return "";
  const r = ratio(results, target.peer);
  if (r === undefined) return `${target.text}: not measured`;
  return `${target.text}: ${r >= target.min ? "met" : "MISSED"} (${r.toFixed(2)}x)`;
}

/**
 * The table as rows of cells: workload | metric | Lantern | each peer "value (ratio)" | target.
 * Errors become "n/a [k]" with the reason listed once as note k, so the columns stay narrow.
 */
export function buildTable(suite, measured, peers) {
  const notes = [];
  const note = (peer, text) => {
    const line = `${peer.label}: ${text}`;
    if (!notes.includes(line)) notes.push(line);
    return `n/a [${notes.indexOf(line) + 1}]`;
  };
  const header = ["workload", "metric", ...peers.map((p) => p.label), "target"];
  const rows = measured.map(({ workload, results }) => [
    workload.title,
    workload.metric,
    ...peers.map((peer) => {
      const result = results[peer.id];
      if (result?.skipped) return "-";
      if (!result || result.error) return note(peer, result?.error ?? "not run");
      const value = formatValue(workload, result.seconds) + (result.cold ? "*" : "");
      const r = ratio(results, peer.id);
      return peer.id === "lantern" || r === undefined ? value : `${value} (${r.toFixed(r < 10 ? 2 : r < 100 ? 1 : 0)}x)`;
    }),
    targetVerdict(workload, results),
  ]);
  const cold = measured.some(({ results }) => Object.values(results).some((r) => r.cold));
  const legend = cold ? ["*: a single first run, without warm-up (one iteration takes longer than the round budget)"] : [];
  return { header, rows, notes, legend };
}
