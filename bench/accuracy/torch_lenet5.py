"""The PyTorch counterpart of runs (a) and (b) in README.md, to compare Lantern's accuracies with:
LeNet-5 (bench/peers/models.py) on the same MNIST IDX files, normalised the same way, batch 64,
Adam lr 1e-3, optionally cosine-annealed per epoch over the run, seed 0, one thread.
  /usr/bin/python3 bench/accuracy/torch_lenet5.py DATA_DIR EPOCHS [cosine]
Prints one JSON line per epoch: epoch, test accuracy, training seconds."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from models import lenet5  # noqa: E402
from torch_peer import read_idx  # noqa: E402


def split(folder, prefix):
    images = torch.from_numpy(read_idx(folder, f"{prefix}-images-idx3-ubyte", 0x803)).float().div(255).sub(0.1307).div(0.3081)
    labels = torch.from_numpy(read_idx(folder, f"{prefix}-labels-idx1-ubyte", 0x801).astype("int64"))
    return torch.utils.data.TensorDataset(images.unsqueeze(1), labels)


def main():
    folder, epochs = sys.argv[1], int(sys.argv[2])
    cosine = len(sys.argv) > 3 and sys.argv[3] == "cosine"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    train = torch.utils.data.DataLoader(split(folder, "train"), batch_size=64, shuffle=True)
    test = torch.utils.data.DataLoader(split(folder, "t10k"), batch_size=500)
    model = lenet5()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs) if cosine else None
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        for x, y in train:
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        seconds = time.perf_counter() - start
        if schedule:
            schedule.step()
        model.eval()
        with torch.no_grad():
            correct = sum((model(x).argmax(1) == y).sum().item() for x, y in test)
        print(json.dumps({"epoch": epoch, "top1": correct / len(test.dataset), "seconds": round(seconds, 2)}), flush=True)


if __name__ == "__main__":
    main()
