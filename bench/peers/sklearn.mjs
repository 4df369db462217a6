// scikit-learn / SciPy / NumPy from Debian (python3-sklearn, python3-scipy), the reference of the
// unsupervised suite, through ONE persistent sklearn_peer.py process: the harness sends a JSON line
// per command and Python times the iterations itself, so neither start-up nor IPC is measured. The
// inputs travel as raw float64 files written from the arrays the JavaScript peers use.
import { ask, serverWorkloads, startPythonServer } from "./python.mjs";
import { workloadFiles } from "../unsupervised/data.mjs";

let server = null;

/** Starts sklearn_peer.py once. */
function start(threads) {
  server ??= startPythonServer("sklearn_peer.py", threads, /sklearn|scipy|numpy/, "apt-get install python3-sklearn python3-scipy python3-threadpoolctl");
  return server;
}

const request = (message) => ask(server, message);

const workloads = serverWorkloads(request, "h");

export const sklearnPeer = {
  id: "sklearn",
  label: "scikit-learn/SciPy",
  async start({ threads }) {
    const { info } = await start(threads);
    return `scikit-learn ${info.sklearn}, SciPy ${info.scipy}, NumPy ${info.numpy}, ${info.threads} thread(s), BLAS: ${info.blas}, OPENBLAS_CORETYPE=${info.openblasCoretype ?? "unset"}`;
  },
  async setup(workload) {
    const inputs = workload.kind === "itemsets" ? {} : workloadFiles(workload);
    return workloads.open({ workload: workload.kind, params: workload.params, inputs });
  },
  release: () => workloads.release(),
};
