#!/usr/bin/env python3
"""Reference values for gradcam4j's faithfulness metrics and sanity-check similarities, computed
by the peers' own code (imported from their checkouts, never copied here):

  * torch-cam (frgfm/torch-cam, torchcam/metrics.py, commit f44afef):
      DeletionInsertionMetric  -> deletion and insertion curves and AUCs
      ClassificationMetric     -> average drop and increase in confidence
  * pytorch-grad-cam (jacobgil/pytorch-grad-cam, pytorch_grad_cam/metrics/, commit 084273b):
      PerturbationConfidenceMetric + RemoveMostRelevantFirst / RemoveLeastRelevantFirst
      (perturbation_confidence.py) with NoisyLinearImputer (road.py) -> ROAD MoRF / LeRF,
      and with a fill imputer x * mask + fill * (1 - mask) -> remove-most / remove-least
  * Quantus (understandable-machine-intelligence-lab/Quantus, commit 85bc29d1):
      quantus/functions/similarity_func.py correlation_spearman (scipy.stats.spearmanr) and
      ssim (skimage.metrics.structural_similarity)

usage (Debian: apt-get install python3-torch python3-scipy python3-skimage):

  /usr/bin/python3 tools/reference/metrics_peers.py PYTORCH_GRAD_CAM TORCH_CAM QUANTUS

where each argument is the root of a checkout of that repository (the folder holding
pytorch_grad_cam/, torchcam/, quantus/). It writes testdata/metrics/ (about 150 KB): a small
model (flatten -> dense 16 relu -> dense 4 softmax, weights in model/), per case the input x.npy
(1, H, W, C), the map map.npy (h, w, normalised to a maximum of 1) and case.json with every
expected figure; similarity/ with map pairs and their Spearman and SSIM. The Java test
MetricsPeerFixturesTest rebuilds the model with the engine and compares.

Only what the peers leave to their caller is written here: the model, the maps, the baselines
(the blur is gradcam4j's definition, docs/METHODS.md) and the targets (the softmax output of
the class). Deterministic: numpy's RandomState(seed) per case.
"""
import json
import os
import sys
import types
from contextlib import contextmanager

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.environ.get('METRICS_OUT', os.path.join(ROOT, 'testdata', 'metrics'))
H, W, C, HIDDEN, CLASSES = 12, 10, 3, 16, 4
PERCENTILES = [10, 20, 30, 40, 50, 60, 70, 80, 90]


def import_peers(pgc_root, tcam_root, quantus_root):
    """Imports the metric modules without their packages' __init__ (which pull in unrelated
    dependencies: ttach, cv2, torchvision). cv2 is only used by pytorch-grad-cam's 'auto'
    percentile (Otsu), which is not used here."""
    def package(name, path):
        m = types.ModuleType(name)
        m.__path__ = [path]
        sys.modules[name] = m
    sys.modules.setdefault('cv2', types.ModuleType('cv2'))
    package('pytorch_grad_cam', os.path.join(pgc_root, 'pytorch_grad_cam'))
    package('torchcam', os.path.join(tcam_root, 'torchcam'))
    package('torchcam.methods', os.path.join(tcam_root, 'torchcam', 'methods'))
    package('quantus', os.path.join(quantus_root, 'quantus'))
    package('quantus.functions', os.path.join(quantus_root, 'quantus', 'functions'))
    from pytorch_grad_cam.metrics import perturbation_confidence, road
    from torchcam import metrics as tcam_metrics
    from quantus.functions import similarity_func
    return perturbation_confidence, road, tcam_metrics, similarity_func


def write_npy(path, a):
    np.save(path, np.ascontiguousarray(a, dtype='<f4'))


class Mlp(torch.nn.Module):
    """The fixture model: NCHW in (as the peers pass images), flattened in NHWC order (as the
    Java graph flattens), dense + relu, dense, softmax. Its output is the probability."""

    def __init__(self, w1, b1, w2, b2):
        super().__init__()
        self.w1, self.b1, self.w2, self.b2 = (torch.from_numpy(a) for a in (w1, b1, w2, b2))

    def forward(self, x):
        f = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        h = torch.relu(f @ self.w1 + self.b1)
        return torch.softmax(h @ self.w2 + self.b2, dim=1)


class GivenCam:
    """What torch-cam's metrics need of a CAM extractor, returning a map computed elsewhere."""

    def __init__(self, model, cam):
        self.model = model
        self.cam = torch.from_numpy(cam)[None]

    def __call__(self, class_idx=None, scores=None, normalized=True, **kwargs):
        return [self.cam]

    def fuse_cams(self, cams):
        return cams[0]

    @contextmanager
    def _hooks_off(self):
        yield


def blur(x_nchw):
    """gradcam4j's blur fill (docs/METHODS.md): separable Gaussian, sigma = max(H, W) / 10,
    radius ceil(3 sigma), weights normalised, borders replicated."""
    x = x_nchw.double().numpy()
    h, w = x.shape[2], x.shape[3]
    sigma = max(h, w) / 10.0
    radius = int(np.ceil(3 * sigma))
    k = np.exp(-np.arange(-radius, radius + 1) ** 2 / (2 * sigma * sigma))
    k /= k.sum()
    rows = np.zeros_like(x)
    for i in range(-radius, radius + 1):
        rows += k[i + radius] * x[:, :, :, np.clip(np.arange(w) + i, 0, w - 1)]
    out = np.zeros_like(x)
    for i in range(-radius, radius + 1):
        out += k[i + radius] * rows[:, :, np.clip(np.arange(h) + i, 0, h - 1), :]
    return torch.from_numpy(out.astype(np.float32))


def channel_mean(x_nchw):
    return x_nchw.double().mean(dim=(2, 3), keepdim=True).expand_as(x_nchw).float()


def upsampled(cam):
    """The map at the input's size as torch-cam's _resize_cam makes it (bilinear, half-pixel);
    pytorch-grad-cam's users resize with cv2.resize, the same rule when enlarging."""
    t = torch.from_numpy(cam)[None, None]
    return torch.nn.functional.interpolate(t, (H, W), mode='bilinear', align_corners=False)[0, 0].numpy()


def deletion_insertion(tcam, model, x, cam, cls, steps, baseline):
    metric = tcam.DeletionInsertionMetric(GivenCam(model, cam), steps=steps, baseline=baseline, batch_size=7)
    captured = {}
    compute = metric._compute_curves

    def keep(*args, **kwargs):
        fractions, deletion, insertion = compute(*args, **kwargs)
        captured.update(fractions=fractions.tolist(), deletion=deletion[0].tolist(), insertion=insertion[0].tolist())
        return fractions, deletion, insertion

    metric._compute_curves = keep
    metric.update(x, class_idx=cls)
    s = metric.summary()
    return dict(captured, deletion_auc=s['deletion_auc'], insertion_auc=s['insertion_auc'])


def average_drop(tcam, model, x, cam, cls):
    metric = tcam.ClassificationMetric(GivenCam(model, cam))
    metric.update(x, class_idx=cls)
    s = metric.summary()
    return {'drop': s['avg_drop'], 'increase': s['conf_increase']}


def removal(pc, imputer, model, x, cam_full, cls, most_relevant_first):
    """pytorch-grad-cam's PerturbationConfidenceMetric(Remove{Most,Least}RelevantFirst(p, imputer)):
    the change of the class's score per percentile, the perturbed images, and how many pixels
    their threshold kept (where ties straddle it, that count differs from gradcam4j's)."""
    changes, images, kept = [], [], []
    remover = pc.RemoveMostRelevantFirst if most_relevant_first else pc.RemoveLeastRelevantFirst

    def counting(img, mask):
        kept.append(int(mask.sum()))
        return imputer(img, mask)

    for p in PERCENTILES:
        metric = pc.PerturbationConfidenceMetric(remover(p, counting))
        diff, perturbed = metric(x, cam_full[None], [lambda o: o[cls]], model, return_visualization=True)
        changes.append(float(diff[0]))
        images.append(perturbed[0].permute(1, 2, 0).numpy())
    return changes, images, kept


def fill_imputer(fill):
    return lambda img, mask: img * mask + fill * (1 - mask)


def metric_case(peers, name, seed, cam_shape, zero_share):
    pc, road, tcam, _ = peers
    rs = np.random.RandomState(seed)
    model_dir = os.path.join(OUT, 'model')
    w1, b1, w2, b2 = (np.load(os.path.join(model_dir, f + '.npy')) for f in ('w1', 'b1', 'w2', 'b2'))
    model = Mlp(w1, b1, w2, b2).eval()
    x_nhwc = rs.uniform(-1, 1, (1, H, W, C)).astype(np.float32)
    x = torch.from_numpy(x_nhwc).permute(0, 3, 1, 2).contiguous()
    cam = rs.uniform(0, 1, cam_shape)
    if zero_share > 0:
        cam = np.maximum(cam - zero_share, 0)
    cam = (cam / cam.max()).astype(np.float32)
    with torch.no_grad():
        probabilities = model(x)[0].numpy()
    cls = int(np.argmax(probabilities))
    case = {'name': name, 'seed': seed, 'class': cls, 'probability': float(probabilities[cls]),
            'input_shape': [1, H, W, C], 'map_shape': list(cam_shape)}
    curves = {}
    baselines = {'constant 0': None, 'constant 0.3': torch.full((1, C, H, W), 0.3), 'mean': channel_mean,
                 'blur': blur}
    for fill, baseline in baselines.items():
        for steps in (20, 7):
            curves[f'{fill}, {steps} steps'] = deletion_insertion(tcam, model, x, cam, cls, steps, baseline)
    case['deletion_insertion'] = curves
    case['average_drop'] = average_drop(tcam, model, x, cam, cls)
    cam_full = upsampled(cam)
    case['upsampled_map'] = cam_full.astype(np.float64).tolist()
    if zero_share == 0:
        # the percentile metrics on maps without zeros (an upsampled map still repeats its edge
        # values: kept_morf / kept_lerf say how many pixels pytorch-grad-cam's threshold kept)
        case['percentiles'] = PERCENTILES
        for order, morf in (('morf', True), ('lerf', False)):
            changes, images, kept = removal(pc, road.NoisyLinearImputer(noise=0.0), model, x, cam_full, cls, morf)
            case['road_' + order] = changes
            case['kept_' + order] = kept
            write_npy(os.path.join(OUT, name, 'road_%s_p30.npy' % order), images[2][None])
            for fill, value in (('constant 0', 0.0), ('constant 0.3', 0.3)):
                case.setdefault('remove_' + order, {})[fill] = removal(
                    pc, fill_imputer(value), model, x, cam_full, cls, morf)[0]
            case['remove_' + order]['mean'] = removal(
                pc, lambda img, mask: img * mask + channel_mean(img[None])[0] * (1 - mask), model, x, cam_full,
                cls, morf)[0]
    write_npy(os.path.join(OUT, name, 'x.npy'), x_nhwc)
    write_npy(os.path.join(OUT, name, 'map.npy'), cam)
    return case


def similarity_cases(similarity_func):
    rs = np.random.RandomState(7)
    a = rs.uniform(0, 1, (20, 17))
    pairs = {
        'random pair': (a, rs.uniform(0, 1, (20, 17))),
        'itself': (a, a.copy()),
        'inverted': (a, 1 - a),
        'smoothed': (a, 0.5 * a + 0.5 * np.roll(a, 1, axis=1)),
        'with ties': (np.maximum(a - 0.5, 0), np.maximum(rs.uniform(0, 1, (20, 17)) - 0.3, 0)),
        'scaled': (a, 0.25 * a),
    }
    out = []
    os.makedirs(os.path.join(OUT, 'similarity'), exist_ok=True)
    for i, (name, (p, q)) in enumerate(pairs.items()):
        p = p.astype(np.float32)
        q = q.astype(np.float32)
        write_npy(os.path.join(OUT, 'similarity', 'a%d.npy' % i), p)
        write_npy(os.path.join(OUT, 'similarity', 'b%d.npy' % i), q)
        spearman = float(similarity_func.correlation_spearman(p.flatten(), q.flatten()))
        ssim = float(similarity_func.ssim(p.astype(np.float64), q.astype(np.float64)))
        out.append({'name': name, 'a': 'a%d.npy' % i, 'b': 'b%d.npy' % i, 'spearman': spearman, 'ssim': ssim})
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    peers = import_peers(*sys.argv[1:4])
    torch.set_num_threads(1)
    os.makedirs(os.path.join(OUT, 'model'), exist_ok=True)
    rs = np.random.RandomState(1)
    weights = {'w1': rs.normal(0, 0.15, (H * W * C, HIDDEN)), 'b1': rs.normal(0, 0.1, HIDDEN),
               'w2': rs.normal(0, 0.8, (HIDDEN, CLASSES)), 'b2': rs.normal(0, 0.1, CLASSES)}
    for k, v in weights.items():
        write_npy(os.path.join(OUT, 'model', k + '.npy'), v)
    cases = []
    for name, seed, shape, zeros in (('distinct', 11, (H, W), 0.0), ('lowres', 12, (4, 5), 0.0),
                                     ('ties', 13, (H, W), 0.4), ('ties_lowres', 14, (3, 5), 0.5)):
        os.makedirs(os.path.join(OUT, name), exist_ok=True)
        case = metric_case(peers, name, seed, shape, zeros)
        with open(os.path.join(OUT, name, 'case.json'), 'w') as f:
            json.dump(case, f, indent=1)
        cases.append(name)
    similarities = similarity_cases(peers[3])
    with open(os.path.join(OUT, 'similarity', 'similarity.json'), 'w') as f:
        json.dump(similarities, f, indent=1)
    with open(os.path.join(OUT, 'index.json'), 'w') as f:
        json.dump({'cases': cases, 'model': 'flatten (NHWC) -> dense 16 relu -> dense 4 softmax',
                   'generator': 'tools/reference/metrics_peers.py',
                   'peers': {'pytorch-grad-cam': '084273b', 'torch-cam': 'f44afef', 'quantus': '85bc29d1'},
                   'versions': {'numpy': np.__version__, 'torch': torch.__version__,
                                'scipy': __import__('scipy').__version__,
                                'scikit-image': __import__('skimage').__version__}}, f, indent=1)


if __name__ == '__main__':
    main()
