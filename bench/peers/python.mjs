// PyTorch and NumPy from Debian (python3-torch, python3-numpy), the native reference, through ONE
// persistent torch_peer.py process: the harness sends a JSON line per command and Python times the
// iterations itself, so neither start-up nor IPC is measured.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { hasAvx512 } from "../machine.mjs";
import { NotApplicable } from "../harness.mjs";

const PEERS_DIR = dirname(fileURLToPath(import.meta.url));
/** Debian's interpreter, which has python3-torch: a pyenv or venv python3 on PATH usually lacks it. */
export const PYTHON = process.env.LANTERN_BENCH_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

/**
 * The environment of the Python references: one thread everywhere (OpenMP, MKL, OpenBLAS) unless
 * --threads says otherwise, and OpenBLAS's AVX-512 kernel on CPUs that have it, since Debian's
 * OpenBLAS 0.3.21 misdetects them as "Prescott" and runs 4.6x slower.
 */
export function pythonEnvironment(threads) {
  const env = { ...process.env, LANTERN_BENCH_THREADS: String(threads) };
  for (const name of ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"]) env[name] = String(threads);
  if (!process.env.OPENBLAS_CORETYPE && hasAvx512()) {
    env.OPENBLAS_CORETYPE = "SkylakeX";
    delete env.OPENBLAS_L2_SIZE;
  }
  return env;
}

/**
 * Starts a Python peer script speaking peer_server.py's line protocol and resolves to {child, call,
 * info} once it has answered "info"; rejects with the interpreter's own last complaint (plus
 * `installHint` when it names one of `modules`) if it cannot start. The child is referenced only
 * while a request is pending, so the benchmark's process can exit when it is done (Python then reads
 * the end of its stdin and quits).
 */
export function startPythonServer(script, threads, modules, installHint) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script], { cwd: PEERS_DIR, env: pythonEnvironment(threads), stdio: ["pipe", "pipe", "pipe"] });
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
      exited = new Error(`${PYTHON} exited (${code ?? signal}): ${last}${modules.test(last) ? ` (${installHint})` : ""}`);
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
    call({ cmd: "info" }).then((info) => resolve({ child, call, info }), reject);
  });
}

let server = null;

/** Starts torch_peer.py once for both peers. */
function start(threads) {
  server ??= startPythonServer("torch_peer.py", threads, /torch|numpy/, "apt-get install python3-torch python3-numpy");
  return server;
}

/**
 * Workloads set up in a Python server under handles named `prefix`0, `prefix`1, ...: open(setup)
 * sends the setup command and returns the timed run (Python reports the seconds itself), release()
 * drops the latest handle.
 */
export function serverWorkloads(request, prefix) {
  let count = 0;
  let current = null;
  return {
    async open(setup) {
      const handle = `${prefix}${count++}`;
      current = handle;
      await request({ cmd: "setup", handle, ...setup });
      return async (n) => (await request({ cmd: "run", handle, n })).seconds;
    },
    async release() {
      const handle = current;
      current = null;
      // A Python process that died mid-run has nothing left to free; its error is already reported.
      if (handle) await request({ cmd: "drop", handle }).catch(() => undefined);
    },
  };
}

/** Sends one request to a started Python server; a reply carrying `error` becomes a thrown Error. */
export async function ask(started, message) {
  const { call } = await started;
  const reply = await call(message);
  if (reply.error) throw new Error(reply.error);
  return reply;
}

const request = (message) => ask(server, message);

function pythonPeer(id, label, impl) {
  const workloads = serverWorkloads(request, `${impl}-`);
  return {
    id,
    label,
    async start({ threads }) {
      const { info } = await start(threads);
      return impl === "torch"
        ? `PyTorch ${info.torch}, ${info.threads} thread(s), BLAS: ${info.blas}`
        : `NumPy ${info.numpy}, BLAS: ${info.blas}, OPENBLAS_CORETYPE=${info.openblasCoretype ?? "unset"}`;
    },
    async setup(workload) {
      if (impl === "numpy" && workload.kind !== "sgemm") throw new NotApplicable("NumPy has only the SGEMM workload");
      return workloads.open({ impl, workload: workload.kind, params: workload.params });
    },
    release: () => workloads.release(),
  };
}

export const torchPeer = pythonPeer("torch", "PyTorch", "torch");
export const numpyPeer = pythonPeer("numpy", "NumPy", "numpy");

/** What torch_peer.py reported at start (versions, BLAS core), or null when it did not start. */
export async function pythonInfo() {
  try {
    return server ? (await server).info : null;
  } catch {
    return null;
  }
}

/** Ends the Python process (the run is over). */
export async function stopPython() {
  if (!server) return;
  try {
    const { child } = await server;
    child.stdin.end();
  } catch {
    // it never started: nothing to stop
  }
}
