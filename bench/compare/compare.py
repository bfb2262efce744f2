#!/usr/bin/env python3
"""Times the forward pass and Grad-CAM (forward + backward to the Keras Grad-CAM layer, top class
of each image) of VGG19, Xception and MobileNet 0.25/128 at batch 1, 8 and 32 in three
implementations on this machine, with the same thread count:
  - gradcam4j and ONNX Runtime Java (forward only: it has no gradients), in one JVM, alternated
    pass by pass (io.gradcam4j.bench.PeerBench); ONNX Runtime runs the PyTorch definitions of
    pytorch_models.py exported to ONNX (export_onnx.py, opset 17, seeded weights), after a check
    that it gives PyTorch's logits;
  - PyTorch CPU, in this process, right before.
Prints min / median ms per batch over REPEAT runs, images per second and the ratios of medians
ours / PyTorch and ours / ONNX Runtime (below 1: we are faster). Run through compare.sh, which
installs and builds what it needs. Environment: THREADS (2), REPEAT (10), BATCHES (1,8,32),
MODELS (all three, comma-separated).
To compare as on an AVX2-only machine: ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell
GRADCAM_JAVA_OPTS=-XX:UseAVX=2 bench/compare/compare.sh (ONNX Runtime picks its kernels itself)."""
import glob, json, os, statistics, subprocess, sys, time
import torch
sys.path.insert(0, os.path.dirname(__file__))
import export_onnx
import pytorch_models as pm

THREADS = int(os.environ.get('THREADS', '2'))
REPEAT = int(os.environ.get('REPEAT', '10'))
BATCHES = [int(b) for b in os.environ.get('BATCHES', '1,8,32').split(',')]
MODELS = os.environ.get('MODELS', 'mobilenet_0.25_128,xception,vgg19').split(',')
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
ONNX_DIR = os.path.join(ROOT, 'bench', 'target', 'onnx')
torch.set_num_threads(THREADS)


def timed(fn, warmup=2, repeat=REPEAT):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return min(out), statistics.median(out)


def bench_torch(name, batch):
    model, target, size = export_onnx.seeded(name)   # the weights exported to ONNX
    x = torch.randn(batch, 3, size, size)
    acts = {}
    target.register_forward_hook(lambda m, i, o: acts.__setitem__('a', o))

    def forward():
        with torch.no_grad():
            model(x)

    def gradcam():   # the top class of each image; one backward pass serves the batch, as in gradcam4j
        out = model(x)
        a = acts['a']
        score = out.gather(1, out.argmax(1, keepdim=True)).sum()
        g, = torch.autograd.grad(score, a)
        cam = torch.relu((g.mean((2, 3), keepdim=True) * a).sum(1))
        cam / (cam.amax((1, 2), keepdim=True) + 1e-7)
    return timed(forward), timed(gradcam)


def onnx_file(name):
    """The exported model, exported again when the PyTorch definitions changed."""
    path = os.path.join(ONNX_DIR, name + '.onnx')
    sources = [os.path.join(HERE, f) for f in ('pytorch_models.py', 'export_onnx.py')]
    if not os.path.exists(path) or any(os.path.getmtime(s) > os.path.getmtime(path) for s in sources):
        os.makedirs(ONNX_DIR, exist_ok=True)
        export_onnx.export(name, ONNX_DIR)
    return path


def bench_jvm(name, batch):
    """gradcam4j forward and Grad-CAM and ONNX Runtime forward, alternated in one JVM."""
    classpath = os.pathsep.join([os.path.join(ROOT, 'bench', 'target', 'benchmarks.jar')]
                                + glob.glob(os.path.join(ROOT, 'bench', 'target', 'peers', '*.jar')))
    # The JVM's own defaults (G1), as a library user's JVM has them, plus GRADCAM_JAVA_OPTS.
    command = ['java', '--add-modules', 'jdk.incubator.vector'] + os.environ.get('GRADCAM_JAVA_OPTS', '').split() + [
        '-cp', classpath, 'io.gradcam4j.bench.PeerBench', name, onnx_file(name), str(batch), str(REPEAT), str(THREADS)]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit('PeerBench failed for %s at batch %d:\n%s' % (name, batch, out.stderr))
    return json.loads(out.stdout)


def cpu():
    info = open('/proc/cpuinfo').read()
    model = next((l.split(':', 1)[1].strip() for l in info.splitlines() if l.startswith('model name')), '?')
    isa = 'AVX-512' if ' avx512f' in info else 'AVX2' if ' avx2' in info else 'no AVX2'
    return '%s, %s, %d processors' % (model, isa, os.cpu_count())


rows = []
kernels = '?'
for name in MODELS:
    for batch in BATCHES:
        tf, tg = bench_torch(name, batch)
        j = bench_jvm(name, batch)
        kernels = j['kernels']
        ort = (j['ort_forward_ms']['min'], j['ort_forward_ms']['median'])
        rows.append((name, batch, 'forward', (j['ours_forward_ms']['min'], j['ours_forward_ms']['median']), tf, ort))
        rows.append((name, batch, 'grad-cam', (j['ours_gradcam_ms']['min'], j['ours_gradcam_ms']['median']), tg, None))
        print('%s batch %d (ONNX Runtime logits within %s of PyTorch\'s): %s; PyTorch forward %s, grad-cam %s'
              % (name, batch, j['ort_logit_difference'], json.dumps(j), tf, tg), file=sys.stderr, flush=True)

print('CPU: %s (a shared machine: compare within one run). %d threads each, %d timed runs after warm-up.'
      % (cpu(), THREADS, REPEAT))
print('gradcam4j kernels: %s; torch %s (MKL-DNN %s); ONNX Runtime Java %s' % (
    kernels, torch.__version__, torch.backends.mkldnn.is_available(),
    ', '.join(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, 'bench', 'target', 'peers', '*.jar')))))
print('| model | batch | pass | gradcam4j min / med ms | PyTorch min / med ms | ONNX Runtime min / med ms '
      '| gradcam4j images/s | ours / PyTorch | ours / ONNX Runtime |')
print('|---|---|---|---|---|---|---|---|---|')
for name, batch, what, ours, theirs, ort in rows:
    print('| %s | %d | %s | %.1f / %.1f | %.1f / %.1f | %s | %.1f | %.2f | %s |' % (
        name, batch, what, ours[0], ours[1], theirs[0], theirs[1],
        '%.1f / %.1f' % ort if ort else '(no gradients)', batch * 1000 / ours[1], ours[1] / theirs[1],
        '%.2f' % (ours[1] / ort[1]) if ort else '–'))
