"""The networks of the core suite in PyTorch: the reference for Lantern's and the source of the ONNX
graphs onnxruntime-node runs. ResNet-18 and MobileNetV2 come from torchvision (Debian's
python3-torchvision), so they are exactly the architectures Lantern's zoo reproduces."""
import torch
from torch import nn


def lenet5():
    """Lantern's lenet5: the ReLU / max-pool LeNet-5 for 1x28x28 inputs."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def _torchvision():
    try:
        import torchvision
    except ImportError as error:
        raise RuntimeError("torchvision missing (apt-get install python3-torchvision)") from error
    return torchvision


def resnet18():
    return _torchvision().models.resnet18()


def mobilenet_v2():
    return _torchvision().models.mobilenet_v2()


class TransformerBlock(nn.Module):
    """A pre-LayerNorm encoder block (GPT-2's layout without the causal mask): attention, then a
    4x-wide GELU MLP, each in a residual branch."""

    def __init__(self, hidden, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden)
        self.attn = nn.MultiheadAttention(hidden, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(hidden)
        self.mlp = nn.Sequential(nn.Linear(hidden, 4 * hidden), nn.GELU(), nn.Linear(4 * hidden, hidden))

    def forward(self, x):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class MatMul(nn.Module):
    def forward(self, a, b):
        return torch.matmul(a, b)
