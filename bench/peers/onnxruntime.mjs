// onnxruntime-node (its bundled CPU binary: bench:setup installs it with ONNXRUNTIME_NODE_INSTALL=skip,
// since the default postinstall downloads CUDA libraries from outside the npm registry). The graphs
// are exported once by make_onnx.py with Debian's PyTorch into bench/.cache.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON, pythonEnvironment } from "./python.mjs";

const PEERS_DIR = dirname(fileURLToPath(import.meta.url));
const CACHE_DIR = join(PEERS_DIR, "..", ".cache");
const EXPORTABLE = new Set(["sgemm", "conv", "resnet18", "mobilenetV2", "transformer"]);

let ort = null;
let options = null;

/** The cached graph of a workload, exported on first use (atomically: temp file, then rename). */
function graphPath(workload, threads) {
  const key = Object.entries(workload.params).map(([k, v]) => `${k}${v}`).join("-");
  const path = join(CACHE_DIR, `${workload.kind}-${key}.onnx`);
  if (existsSync(path)) return path;
  mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const result = spawnSync(PYTHON, ["make_onnx.py", temp, workload.kind, JSON.stringify(workload.params)], {
    cwd: PEERS_DIR, env: pythonEnvironment(threads), encoding: "utf8",
  });
  if (result.status !== 0) {
    rmSync(temp, { force: true });
    const last = (result.stderr || result.error?.message || "").trim().split("\n").pop();
    throw new Error(`ONNX export failed: ${last}`);
  }
  renameSync(temp, path);
  return path;
}

function randomTensor(dims) {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return new ort.Tensor("float32", data, dims);
}

function feeds(workload) {
  const p = workload.params;
  switch (workload.kind) {
    case "sgemm":
      return { a: randomTensor([p.n, p.n]), b: randomTensor([p.n, p.n]) };
    case "conv":
      return { x: randomTensor([p.batch, p.inChannels, p.size, p.size]) };
    case "transformer":
      return { x: randomTensor([p.batch, p.sequence, p.hidden]) };
    default:
      return { x: randomTensor([p.batch, 3, 224, 224]) };
  }
}

let session = null;

export const onnxruntimePeer = {
  id: "onnxruntime",
  label: "onnxruntime",
  async start({ threads }) {
    ort = (await import("onnxruntime-node")).default;
    // No spinning: with several threads, idle spinning workers would take the CPU from the next contender.
    options = {
      intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all",
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    };
    const version = ort.env?.versions?.node ?? "";
    return `onnxruntime-node ${version} CPU execution provider, ${threads} intra-op thread(s)`.replace("  ", " ");
  },
  async setup(workload) {
    if (workload.params.backward || workload.kind === "lenet5-step") throw new Error("inference runtime: cannot train");
    if (!EXPORTABLE.has(workload.kind)) throw new Error(`no ${workload.kind} graph`);
    session = await ort.InferenceSession.create(graphPath(workload, options.intraOpNumThreads), options);
    const inputs = feeds(workload);
    const current = session;
    return async (n) => {
      for (let i = 0; i < n; i++) await current.run(inputs);
    };
  },
  async release() {
    await session?.release?.();
    session = null;
  },
};
