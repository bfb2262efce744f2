#!/usr/bin/env python3
"""Explanation methods side by side: each method's time in PyTorch CPU (written here from the
pytorch-grad-cam 1.5.5 / Captum 0.8 definitions of docs/METHODS.md, with the same batch size for
perturbed inputs) and in `./gradcam.sh bench --method`, in the same session, with min / median and
the ratio of medians. Run through bench/compare/methods.sh, which installs what it needs.
MobileNet 0.25/128 runs every method timed here; Xception the ones that take seconds, not minutes."""
import json, os, statistics, subprocess, sys, time
import torch
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(__file__))
import pytorch_models as pm

THREADS = int(os.environ.get('THREADS', '2'))
REPEAT = int(os.environ.get('REPEAT', '5'))
BATCH = 16
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
torch.set_num_threads(THREADS)
torch.manual_seed(0)


def timed(fn, repeat):
    fn()   # warm-up
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return min(out), statistics.median(out)


def methods_for(model, target, x):
    acts = {}
    target.register_forward_hook(lambda m, i, o: acts.__setitem__('a', o))
    with torch.no_grad():
        cls = int(model(x)[0].argmax())

    def layer_and_grad():
        out = model(x)
        a = acts['a']
        g, = torch.autograd.grad(out[0, cls], a)
        return a.detach(), g

    def gradcam():
        a, g = layer_and_grad()
        torch.relu((g.mean((2, 3), keepdim=True) * a).sum(1))

    def gradcam_pp():
        a, g = layer_and_grad()
        g2, g3 = g ** 2, g ** 3
        s = a.sum((2, 3), keepdim=True)
        aij = torch.where(g != 0, g2 / (2 * g2 + s * g3 + 1e-6), torch.zeros_like(g))
        w = (torch.relu(g) * aij).sum((2, 3), keepdim=True)
        torch.relu((w * a).sum(1))

    def scorecam():
        with torch.no_grad():
            model(x)
            a = acts['a']
            up = F.interpolate(a, size=x.shape[-2:], mode='bilinear', align_corners=True)[0]
            k = up.shape[0]
            flat = up.view(k, -1)
            up = (up - flat.min(1)[0][:, None, None]) / (flat.max(1)[0] - flat.min(1)[0] + 1e-8)[:, None, None]
            scores = []
            for i in range(0, k, BATCH):
                scores.append(model(x * up[i:i + BATCH, None])[:, cls])
            w = torch.softmax(torch.cat(scores), 0)
            torch.relu((w[None, :, None, None] * a).sum(1))

    def saliency():
        xi = x.clone().requires_grad_(True)
        g, = torch.autograd.grad(model(xi)[0, cls], xi)
        g.abs()

    def input_gradients(inputs):
        grads = []
        for i in range(0, inputs.shape[0], BATCH):
            xi = inputs[i:i + BATCH].clone().requires_grad_(True)
            g, = torch.autograd.grad(model(xi)[:, cls].sum(), xi)
            grads.append(g)
        return torch.cat(grads)

    import numpy as np
    t, wts = np.polynomial.legendre.leggauss(50)
    alphas = torch.tensor(0.5 * (1 + t), dtype=torch.float32)
    weights = torch.tensor(0.5 * wts, dtype=torch.float32)

    def integrated_gradients():
        base = torch.zeros_like(x)
        path = base + alphas[:, None, None, None] * (x - base)
        g = input_gradients(path)
        (x - base) * (weights[:, None, None, None] * g).sum(0, keepdim=True)

    def smoothgrad():
        sigma = 0.15 * float(x.max() - x.min())
        noisy = x + sigma * torch.randn(50, *x.shape[1:])
        input_gradients(noisy).abs().mean(0)

    def occlusion():
        h = x.shape[-1]
        win, stride = 16, 8
        n = 1 + -(-(h - win) // stride)
        with torch.no_grad():
            inputs = []
            for r in range(n):
                for c in range(n):
                    xo = x.clone()
                    xo[..., r * stride:r * stride + win, c * stride:c * stride + win] = 0
                    inputs.append(xo)
            inputs = torch.cat(inputs)
            for i in range(0, inputs.shape[0], BATCH):
                model(inputs[i:i + BATCH])

    return {'gradcam': gradcam, 'gradcam++': gradcam_pp, 'scorecam': scorecam, 'saliency': saliency,
            'integrated-gradients': integrated_gradients, 'smoothgrad': smoothgrad, 'occlusion': occlusion}


def ours(name, methods, repeat):
    env = dict(os.environ, GRADCAM_JAVA_OPTS=('%s -Dgradcam4j.threads=%d' % (
        os.environ.get('GRADCAM_JAVA_OPTS', ''), THREADS)).strip())
    out = subprocess.run([os.path.join(ROOT, 'gradcam.sh'), 'bench', '--model', name, '--json', '--repeat', str(repeat),
                          '--method', ','.join(methods), '--baseline', 'zero', '--batch-size', str(BATCH)],
                         capture_output=True, text=True, check=True, env=env)
    j = json.loads(out.stdout)
    return j, {m: (v['ms']['min'], v['ms']['median']) for m, v in j['methods'].items()}


rows = []
for name, build, methods in [
        ('mobilenet_0.25_128', lambda: pm.mobilenet(0.25, 128),
         ['gradcam', 'gradcam++', 'scorecam', 'saliency', 'integrated-gradients', 'smoothgrad', 'occlusion']),
        ('xception', pm.xception, ['gradcam', 'gradcam++', 'saliency', 'integrated-gradients', 'smoothgrad'])]:
    model, target, size = build()
    model.eval()
    x = torch.randn(1, 3, size, size)
    fns = methods_for(model, target, x)
    theirs = {m: timed(fns[m], REPEAT if m in ('gradcam', 'gradcam++', 'saliency') else 3) for m in methods}
    j, mine = ours(name, methods, REPEAT)
    for m in methods:
        rows.append((name, m, mine[m], theirs[m]))
print('torch %s, %d threads; gradcam4j kernels %s; perturbed inputs in batches of %d' % (
    torch.__version__, THREADS, j['kernels'], BATCH))
print('%-20s %-22s %22s %22s %8s' % ('model', 'method', 'gradcam4j min/med ms', 'pytorch min/med ms', 'ratio'))
for name, m, a, b in rows:
    print('%-20s %-22s %10.1f /%10.1f %10.1f /%10.1f %8.2f' % (name, m, a[0], a[1], b[0], b[1], a[1] / b[1]))
