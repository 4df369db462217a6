"""Persistent PyTorch / NumPy peer for `lantern bench`.

One process serves the whole run, so start-up and IPC are never timed: the harness sends one JSON
object per line on stdin and reads one JSON object per line on stdout.
  {"cmd": "info"}                                        -> versions, BLAS core, threads
  {"cmd": "setup", "handle": H, "impl": "torch"|"numpy", "workload": W, "params": {...}}
  {"cmd": "run", "handle": H, "n": N}                    -> {"seconds": wall time of N iterations}
  {"cmd": "drop", "handle": H}
Run it with OPENBLAS_CORETYPE=SkylakeX: Debian's OpenBLAS 0.3.21 reads this CPU as "Prescott" and
runs its SSE3 kernel, about 4.6x below the AVX-512 one.
"""
import gzip
import os

import numpy as np
import torch
import torch.nn.functional as F

from peer_server import serve
from models import lenet5, resnet18, mobilenet_v2, TransformerBlock

THREADS = int(os.environ.get("LANTERN_BENCH_THREADS", "1"))
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def sgemm(impl, n):
    if impl == "numpy":
        rng = np.random.default_rng(0)
        a, b = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
        c = np.empty((n, n), dtype=np.float32)
        return lambda: np.matmul(a, b, out=c)
    a, b = torch.randn(n, n), torch.randn(n, n)
    c = torch.empty(n, n)
    return lambda: torch.mm(a, b, out=c)


def conv(batch, in_channels, out_channels, size, kernel, groups=1, backward=False):
    x = torch.randn(batch, in_channels, size, size, requires_grad=backward)
    w = torch.randn(out_channels, in_channels // groups, kernel, kernel, requires_grad=backward)
    b = torch.randn(out_channels, requires_grad=backward)
    pad = kernel // 2
    if not backward:
        def forward():
            with torch.no_grad():
                F.conv2d(x, w, b, padding=pad, groups=groups)
        return forward
    grad_out = torch.randn(batch, out_channels, size, size)

    def forward_backward():
        x.grad = w.grad = b.grad = None
        F.conv2d(x, w, b, padding=pad, groups=groups).backward(grad_out)
    return forward_backward


def lenet_step(batch):
    model = lenet5()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def read_idx(folder, name, magic):
    """An IDX file of the MNIST folder, gzipped or not, as a NumPy uint8 array of its payload."""
    for path in (os.path.join(folder, name + ".gz"), os.path.join(folder, name)):
        if os.path.exists(path):
            with (gzip.open(path) if path.endswith(".gz") else open(path, "rb")) as f:
                raw = f.read()
            break
    else:
        raise FileNotFoundError(f"{os.path.join(folder, name)}(.gz) not found")
    if int.from_bytes(raw[:4], "big") != magic:
        raise ValueError(f"{path}: magic {raw[:4].hex()}, expected {magic:08x}")
    dims = magic & 0xFF
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    # A bytearray keeps the array writable, which torch.from_numpy expects.
    return np.frombuffer(bytearray(raw), dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class MnistIdx(torch.utils.data.Dataset):
    """torchvision.datasets.MNIST followed by ToTensor and Normalize, without the PIL round trip:
    one sample is a [1, 28, 28] float tensor scaled to [0, 1] and normalised, and its label."""

    def __init__(self, folder):
        self.images = read_idx(folder, "train-images-idx3-ubyte", 0x803)
        self.labels = torch.from_numpy(read_idx(folder, "train-labels-idx1-ubyte", 0x801).astype(np.int64))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = torch.from_numpy(self.images[i]).float().div_(255).sub_(0.1307).div_(0.3081)
        return x.unsqueeze(0), self.labels[i]


def lenet_mnist(p):
    """The training step of `lantern train lenet5 --dataset mnist`: shuffled batches from a
    DataLoader (worker processes as Lantern's worker threads), forward, loss, backward, Adam step,
    and the loss and accuracy read back as a training loop logs them."""
    if not p.get("data"):
        raise FileNotFoundError("MNIST not found (see LANTERN_BENCH_MNIST)")
    model = lenet5()
    opt = torch.optim.Adam(model.parameters(), lr=p["lr"])
    workers = p["workers"]
    loader = torch.utils.data.DataLoader(MnistIdx(p["data"]), batch_size=p["batch"], shuffle=True, num_workers=workers,
                                         persistent_workers=workers > 0, generator=torch.Generator().manual_seed(2))
    batches = iter(loader)

    def step():
        nonlocal batches
        try:
            x, y = next(batches)
        except StopIteration:
            batches = iter(loader)
            x, y = next(batches)
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        opt.step()
        loss.item()
        (out.argmax(1) == y).sum().item()
    return step


def inference(model, shape):
    model.eval()
    x = torch.randn(*shape)

    def forward():
        with torch.no_grad():
            model(x)
    return forward


def setup(impl, workload, p):
    if workload == "sgemm":
        return sgemm(impl, p["n"])
    if workload == "conv":
        return conv(p["batch"], p["inChannels"], p["outChannels"], p["size"], p["kernel"], p.get("groups", 1),
                    p.get("backward", False))
    if workload == "lenet5-step":
        return lenet_step(p["batch"])
    if workload == "lenet5-mnist":
        return lenet_mnist(p)
    if workload == "resnet18":
        return inference(resnet18(), (p["batch"], 3, 224, 224))
    if workload == "mobilenetV2":
        return inference(mobilenet_v2(), (p["batch"], 3, 224, 224))
    if workload == "transformer":
        return inference(TransformerBlock(p["hidden"], p["heads"]), (p["batch"], p["sequence"], p["hidden"]))
    raise ValueError(f"unknown workload {workload}")


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed (apt-get install python3-threadpoolctl)"
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(f"{i.get('internal_api')} {i.get('version')} core {i.get('architecture')}" for i in blas) or "none"


def info():
    return {
        "torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads(),
        "blas": blas_info(), "openblasCoretype": os.environ.get("OPENBLAS_CORETYPE"),
    }


def main():
    serve(info, lambda r: setup(r["impl"], r["workload"], r["params"]))


if __name__ == "__main__":
    main()
