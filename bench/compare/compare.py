#!/usr/bin/env python3
"""Times PyTorch CPU (forward, and Grad-CAM = forward + backward to the Keras Grad-CAM layer) on
VGG19, Xception and MobileNet 0.25/128 with the same thread count as gradcam4j, then runs
`./gradcam.sh bench` on the same models in the same session and prints min/median and the ratio
ours / PyTorch. Run through bench/compare/compare.sh, which installs what it needs.
To compare as on an AVX2-only machine: ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell
GRADCAM_JAVA_OPTS=-XX:UseAVX=2 bench/compare/compare.sh"""
import json, os, statistics, subprocess, sys, time
import torch
sys.path.insert(0, os.path.dirname(__file__))
import pytorch_models as pm

THREADS = int(os.environ.get('THREADS', '2'))
REPEAT = int(os.environ.get('REPEAT', '10'))
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
torch.set_num_threads(THREADS)
torch.manual_seed(0)

def timed(fn, warmup=3, repeat=REPEAT):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return min(out), statistics.median(out)

def bench_torch(name, build):
    model, target, size = build()
    model.eval()
    x = torch.randn(1, 3, size, size)
    acts = {}
    target.register_forward_hook(lambda m, i, o: acts.__setitem__('a', o))
    def forward():
        with torch.no_grad():
            model(x)
    def gradcam():
        out = model(x)
        a = acts['a']
        g, = torch.autograd.grad(out[0, out[0].argmax()], a)
        cam = torch.relu((g.mean((2, 3), keepdim=True) * a).sum(1))
        cam / (cam.max() + 1e-7)
    return timed(forward), timed(gradcam)

def bench_ours(name):
    out = subprocess.run([os.path.join(ROOT, 'gradcam.sh'), 'bench', '--model', name, '--json', '--repeat', str(REPEAT)],
                         capture_output=True, text=True, check=True, env=dict(os.environ,
                         GRADCAM_JAVA_OPTS=('%s -Dgradcam4j.threads=%d' % (os.environ.get('GRADCAM_JAVA_OPTS', ''), THREADS)).strip()))
    j = json.loads(out.stdout)
    allocated = j.get('forward_allocated_bytes')
    if allocated is not None and allocated > 64e6:
        # about 1-2 MB when the kernels are compiled as they should be (docs/ARCHITECTURE.md,
        # "Vectors of an exact class"): this run's times are not what gradcam4j does
        print('warning: gradcam4j %s allocated %.0f MB per forward pass (1-2 MB normally): vector operations '
              'boxed, or a heap too small for the workspace; its times here are not representative'
              % (name, allocated / 1e6), file=sys.stderr)
    return (j['forward_ms']['min'], j['forward_ms']['median']), (j['gradcam_ms']['min'], j['gradcam_ms']['median']), j['kernels']

rows = []
for keras_name, build in [('mobilenet_0.25_128', lambda: pm.mobilenet(0.25, 128)), ('xception', pm.xception),
                          ('vgg19', pm.vgg19)]:
    tf, tg = bench_torch(keras_name, build)
    of, og, kernels = bench_ours(keras_name)
    rows.append((keras_name, 'forward', of, tf))
    rows.append((keras_name, 'grad-cam', og, tg))
print('torch %s, %d threads, MKL-DNN %s; gradcam4j kernels: %s' % (torch.__version__, THREADS,
      torch.backends.mkldnn.is_available(), kernels))
print('%-20s %-9s %20s %20s %8s' % ('model', 'pass', 'gradcam4j min/med ms', 'pytorch min/med ms', 'ratio'))
for name, what, ours, theirs in rows:
    print('%-20s %-9s %9.1f /%9.1f %9.1f /%9.1f %8.2f' % (name, what, ours[0], ours[1], theirs[0], theirs[1],
                                                           ours[1] / theirs[1]))
