// scikit-learn / SciPy / NumPy from Debian (python3-sklearn, python3-scipy), the reference of the
// unsupervised suite, through ONE persistent sklearn_peer.py process: the harness sends a JSON line
// per command and Python times the iterations itself, so neither start-up nor IPC is measured. The
// inputs travel as raw float64 files written from the arrays the JavaScript peers use.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { PYTHON, pythonEnvironment } from "./python.mjs";
import { workloadFiles } from "../unsupervised/data.mjs";

const PEERS_DIR = dirname(fileURLToPath(import.meta.url));

let server = null;

/**
 * Starts sklearn_peer.py once. The child is kept referenced only while a request is pending, so the
 * benchmark's process can exit when it is done (Python then reads the end of its stdin and quits)
 * without bench/run.mjs having to know this peer.
 */
function start(threads) {
  server ??= new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["sklearn_peer.py"], { cwd: PEERS_DIR, env: pythonEnvironment(threads), stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let exited = null;
    const pending = [];
    const hold = (on) => {
      for (const handle of [child, child.stdin, child.stdout, child.stderr]) on ? handle.ref() : handle.unref();
    };
    child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on("error", (error) => reject(new Error(`cannot start ${PYTHON}: ${error.message}`)));
    // A write after Python died fails with EPIPE; the exit handler below reports why it died.
    child.stdin.on("error", () => undefined);
    child.on("exit", (code, signal) => {
      const last = stderr.trim().split("\n").pop() ?? "";
      const hint = /sklearn|scipy|numpy/.test(last) ? " (apt-get install python3-sklearn python3-scipy python3-threadpoolctl)" : "";
      exited = new Error(`${PYTHON} exited (${code ?? signal}): ${last}${hint}`);
      for (const p of pending.splice(0)) p.reject(exited);
      reject(exited);
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      pending.shift()?.resolve(JSON.parse(line));
      if (pending.length === 0) hold(false);
    });
    const call = (request) =>
      new Promise((res, rej) => {
        if (exited) return rej(exited);
        pending.push({ resolve: res, reject: rej });
        hold(true);
        child.stdin.write(`${JSON.stringify(request)}\n`);
      });
    call({ cmd: "info" }).then((info) => resolve({ call, info }), reject);
  });
  return server;
}

async function request(message) {
  const { call } = await server;
  const reply = await call(message);
  if (reply.error) throw new Error(reply.error);
  return reply;
}

let handles = 0;
let current = null;

export const sklearnPeer = {
  id: "sklearn",
  label: "scikit-learn/SciPy",
  async start({ threads }) {
    const { info } = await start(threads);
    return `scikit-learn ${info.sklearn}, SciPy ${info.scipy}, NumPy ${info.numpy}, ${info.threads} thread(s), BLAS: ${info.blas}, OPENBLAS_CORETYPE=${info.openblasCoretype ?? "unset"}`;
  },
  async setup(workload) {
    current = `h${handles++}`;
    const inputs = workload.kind === "itemsets" ? {} : workloadFiles(workload);
    await request({ cmd: "setup", handle: current, workload: workload.kind, params: workload.params, inputs });
    const handle = current;
    return async (n) => (await request({ cmd: "run", handle, n })).seconds;
  },
  async release() {
    const handle = current;
    current = null;
    // A Python process that died mid-run has nothing left to free; its error is already reported.
    if (handle) await request({ cmd: "drop", handle }).catch(() => undefined);
  },
};
