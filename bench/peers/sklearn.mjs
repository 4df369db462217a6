// scikit-learn / SciPy / NumPy from Debian (python3-sklearn, python3-scipy), the reference of the
// unsupervised suite, through ONE persistent sklearn_peer.py process: the harness sends a JSON line
// per command and Python times the iterations itself, so neither start-up nor IPC is measured. The
// inputs travel as raw float64 files written from the arrays the JavaScript peers use.
import { ask, startPythonServer } from "./python.mjs";
import { workloadFiles } from "../unsupervised/data.mjs";

let server = null;

/** Starts sklearn_peer.py once. */
function start(threads) {
  server ??= startPythonServer("sklearn_peer.py", threads, /sklearn|scipy|numpy/, "apt-get install python3-sklearn python3-scipy python3-threadpoolctl");
  return server;
}

const request = (message) => ask(server, message);

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
