import { Command } from "commander";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";

/** bench/ at the package root (this file compiles to dist/src/cli/commands/bench.js). */
const BENCH_DIR = fileURLToPath(new URL("../../../../bench/", import.meta.url));

/** Suites are files in bench/suites/: a new suite is a new file, no registration here. */
function suiteNames(): string[] {
  const dir = `${BENCH_DIR}suites`;
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".mjs")).map((f) => f.slice(0, -4)).sort() : [];
}

interface BenchOptions {
  json?: boolean;
  quick?: boolean;
  threads: string;
  peers?: string;
  only?: string;
  record: boolean;
}

/**
 * Runs bench/run.mjs in a child process: the thread counts (LANTERN_NUM_THREADS, OMP/MKL/OpenBLAS)
 * must be in the environment before the native core and the peers start, and the peers' packages
 * (bench/node_modules, installed by `npm run bench:setup`) stay out of the library's own process.
 */
export function benchCommand(): Command {
  return new Command("bench")
    .description("benchmark suite: Lantern side by side with PyTorch/NumPy, onnxruntime-node, TF.js and jax-js; records bench/RESULTS.md")
    .argument("[suite]", `suite to run (${suiteNames().join(", ") || "none found"})`, "core")
    .option("--json", "print the results as one JSON document on stdout")
    .option("--quick", "smoke test: fewer rounds and smaller sizes, not recorded in RESULTS.md")
    .option("--threads <n>", "threads for Lantern and every peer", "1")
    .option("--peers <ids>", "comma-separated peers to run beside Lantern (torch, numpy, onnxruntime, tfjs-wasm, tfjs-cpu, jax-js)")
    .option("--only <ids>", "comma-separated workload ids to run (e.g. resnet18-b1,conv3x3); a partial run is not recorded")
    .option("--no-record", "do not write bench/RESULTS.md")
    .addHelpText("after", "\nPeers install into bench/node_modules with `npm run bench:setup`; PyTorch and NumPy come from Debian\n(apt-get install python3-torch python3-numpy python3-torchvision). A peer that cannot run is reported in the table.")
    .action((suite: string, opts: BenchOptions) => {
      const names = suiteNames();
      if (!names.includes(suite)) throw new InputError(`bench: unknown suite "${suite}" (expected one of ${names.join(", ")})`);
      const threads = Number(opts.threads);
      if (!Number.isInteger(threads) || threads < 1) throw new InputError(`bench: --threads must be a positive integer, got "${opts.threads}"`);
      const args = [`${BENCH_DIR}run.mjs`, suite, "--threads", String(threads)];
      if (opts.json) args.push("--json");
      if (opts.quick) args.push("--quick");
      if (opts.peers) args.push("--peers", opts.peers);
      if (opts.only) args.push("--only", opts.only);
      if (!opts.record) args.push("--no-record");
      const env = { ...process.env, LANTERN_NUM_THREADS: String(threads) };
      const child = spawnSync(process.execPath, args, { stdio: "inherit", env });
      if (child.error) throw child.error;
      if (child.status !== 0) process.exit(child.status ?? 1);
    });
}
