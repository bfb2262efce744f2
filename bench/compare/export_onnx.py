#!/usr/bin/env python3
"""Exports the PyTorch definitions of pytorch_models.py (seeded weights) to ONNX for the ONNX
Runtime peer of compare.py, with a dynamic batch dimension, and writes next to each model a test
input of two images and PyTorch's logits for it: the JVM side (io.gradcam4j.bench.PeerBench)
refuses to time a model whose ONNX Runtime logits differ from these.

Debian's python3-torch 1.13 exports without the `onnx` Python package; opset 17 is the highest
it supports. Usage: export_onnx.py OUT_DIR [NAME...] (names as in compare.py)."""
import os, sys
import numpy as np
import torch
sys.path.insert(0, os.path.dirname(__file__))
import pytorch_models as pm

OPSET = 17
MODELS = {'mobilenet_0.25_128': lambda: pm.mobilenet(0.25, 128), 'xception': pm.xception, 'vgg19': pm.vgg19}


def seeded(name):
    """The model in eval mode with seeded weights scaled so that the logits depend on the input.
    PyTorch's default initialisation shrinks the signal at every layer: its logits are the last
    bias to 1e-7 whatever the image, and a check of two implementations on them would pass however
    wrong the convolutions were. He-normal weights and batch-norm statistics drawn around their
    neutral values keep it alive. Returns (model, Grad-CAM target module, image size)."""
    torch.manual_seed(0)
    model, target, size = MODELS[name]()
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            fan_in = m.weight[0].numel()
            torch.nn.init.normal_(m.weight, std=(2.0 / fan_in) ** 0.5)
            if m.bias is not None:
                torch.nn.init.normal_(m.bias, std=0.01)
        elif isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.uniform_(m.weight, 0.8, 1.2)
            torch.nn.init.normal_(m.bias, std=0.05)
            m.running_mean.normal_(std=0.05)
            m.running_var.uniform_(0.8, 1.2)
    model.eval()
    return model, target, size


def export(name, out_dir):
    model, _, size = seeded(name)
    x = torch.randn(2, 3, size, size)
    path = os.path.join(out_dir, name + '.onnx')
    with torch.no_grad():
        logits = model(x)
        torch.onnx.export(model, x, path, opset_version=OPSET, input_names=['input'], output_names=['logits'],
                          dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    spread = (logits[0] - logits[1]).abs().max().item()
    assert spread > 1e-2 * logits.abs().max().item(), \
        '%s: the logits hardly depend on the input (%.3g apart), a check on them would prove nothing' % (name, spread)
    np.save(os.path.join(out_dir, name + '.input.npy'), x.numpy())
    np.save(os.path.join(out_dir, name + '.logits.npy'), logits.numpy())
    return path


if __name__ == '__main__':
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for n in sys.argv[2:] or list(MODELS):
        print(export(n, out))
