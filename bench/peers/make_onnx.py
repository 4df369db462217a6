"""Exports one core-suite workload as an ONNX graph for onnxruntime-node, with fixed shapes.

usage: make_onnx.py OUT.onnx WORKLOAD 'JSON params'
Weights are random (seeded): only the speed is measured. Inputs are named x (and a, b for sgemm).
"""
import json
import sys

import torch
from torch import nn

from models import MatMul, TransformerBlock, mobilenet_v2, resnet18


def graph(workload, p):
    if workload == "sgemm":
        n = p["n"]
        return MatMul(), (torch.randn(n, n), torch.randn(n, n)), ["a", "b"]
    if workload == "conv":
        conv = nn.Conv2d(p["inChannels"], p["outChannels"], p["kernel"], padding=p["kernel"] // 2,
                         groups=p.get("groups", 1))
        return conv, (torch.randn(p["batch"], p["inChannels"], p["size"], p["size"]),), ["x"]
    if workload in ("resnet18", "mobilenetV2"):
        model = resnet18() if workload == "resnet18" else mobilenet_v2()
        return model, (torch.randn(p["batch"], 3, 224, 224),), ["x"]
    if workload == "transformer":
        block = TransformerBlock(p["hidden"], p["heads"])
        return block, (torch.randn(p["batch"], p["sequence"], p["hidden"]),), ["x"]
    raise ValueError(f"no ONNX export for workload {workload}")


def main():
    out, workload, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    torch.manual_seed(0)
    model, inputs, names = graph(workload, params)
    model.eval()
    # Exported with autograd on: under no_grad PyTorch 1.13 routes nn.MultiheadAttention to its fused
    # kernel (aten::_native_multi_head_attention), which has no ONNX form.
    torch.onnx.export(model, inputs, out, input_names=names, output_names=["y"], opset_version=13)


if __name__ == "__main__":
    main()
