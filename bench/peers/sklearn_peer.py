"""Persistent scikit-learn / SciPy / NumPy peer for `lantern bench unsupervised`.

One process serves the whole run, so start-up and IPC are never timed: the harness sends one JSON
object per line on stdin and reads one JSON object per line on stdout.
  {"cmd": "info"}                                        -> versions, BLAS core, threads
  {"cmd": "setup", "handle": H, "workload": W, "params": {...}, "inputs": {name: [path, rows, cols]}}
  {"cmd": "run", "handle": H, "n": N}                    -> {"seconds": wall time of N iterations}
  {"cmd": "drop", "handle": H}
The inputs are raw float64 files that the harness wrote from the same arrays the JavaScript peers
use. BLAS and OpenMP are held to LANTERN_BENCH_THREADS threads (threadpoolctl as well as the
environment, since scikit-learn's k-means sizes its OpenMP pool itself).
"""
import os

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

from peer_server import serve

THREADS = int(os.environ.get("LANTERN_BENCH_THREADS", "1"))

try:
    from threadpoolctl import threadpool_info, threadpool_limits
    LIMITS = threadpool_limits(limits=THREADS)
except ImportError:  # the environment variables still hold BLAS to THREADS
    threadpool_info = None
    LIMITS = None


def load(spec):
    path, rows, cols = spec
    return np.fromfile(path, dtype=np.float64).reshape(rows, cols)


def kmeans(inputs, p):
    x, init = load(inputs["x"]), load(inputs["init"])
    model = KMeans(n_clusters=p["k"], init=init, n_init=1, max_iter=p["maxIter"], tol=p["tol"], algorithm=p["algorithm"])
    return lambda: model.fit(x)


def pca(inputs, p):
    x = load(inputs["x"])
    # Lantern's "covariance" row is timed against scikit-learn's fastest partial solver for 16 components.
    solver = {"covariance": "arpack"}.get(p["solver"], p["solver"])
    model = PCA(n_components=p["components"], svd_solver=solver, random_state=0)
    return lambda: model.fit(x)


def setup(workload, p, inputs):
    if workload == "kmeans":
        return kmeans(inputs, p)
    if workload == "linkage":
        x = load(inputs["x"])
        return lambda: linkage(x, method=p["method"])
    if workload == "pca":
        return pca(inputs, p)
    if workload == "svd":
        m = load(inputs["x"])
        return lambda: np.linalg.svd(m, full_matrices=False)
    if workload == "itemsets":
        # mlxtend (the reference) is neither in Debian nor reachable here; it measured within
        # 2x of node-fpgrowth, which the table shows instead.
        raise RuntimeError("mlxtend is not installed (Debian does not package it); node-fpgrowth stands in")
    raise ValueError(f"unknown workload {workload}")


def blas_info():
    if threadpool_info is None:
        return "threadpoolctl not installed (apt-get install python3-threadpoolctl)"
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(f"{i.get('internal_api')} {i.get('version')} core {i.get('architecture')}, {i.get('num_threads')} thread(s)" for i in blas) or "none"


def info():
    return {
        "sklearn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__, "threads": THREADS,
        "blas": blas_info(), "openblasCoretype": os.environ.get("OPENBLAS_CORETYPE"),
    }


def main():
    serve(info, lambda r: setup(r["workload"], r["params"], r.get("inputs", {})))


if __name__ == "__main__":
    main()
