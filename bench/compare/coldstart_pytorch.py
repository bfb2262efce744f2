#!/usr/bin/env python3
"""PyTorch's side of the cold-start comparison: one process that imports torch, builds Xception,
loads its 88 MB of weights from disk, reads and resizes one image, runs Grad-CAM to
block14_sepconv2_act and writes the heatmap as a PNG: what `gradcam explain --model xception`
does. `--prepare FILE.pt` writes the (random) weights file once, outside the timing."""
import sys, os
if sys.argv[1] == '--prepare':
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pytorch_models as pm
    model, _, _ = pm.xception()
    torch.save(model.state_dict(), sys.argv[2])
    sys.exit(0)
weights, image, out = sys.argv[1], sys.argv[2], sys.argv[3]
import torch
import numpy as np
from PIL import Image
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_models as pm
torch.set_num_threads(int(os.environ.get('THREADS', '2')))
model, target, size = pm.xception()
model.load_state_dict(torch.load(weights))
model.eval()
img = np.asarray(Image.open(image).convert('RGB').resize((size, size), Image.NEAREST), dtype=np.float32)
x = torch.from_numpy(img / 127.5 - 1).permute(2, 0, 1).unsqueeze(0)
acts = {}
target.register_forward_hook(lambda m, i, o: acts.__setitem__('a', o))
logits = model(x)
a = acts['a']
g, = torch.autograd.grad(logits[0, logits[0].argmax()], a)
cam = torch.relu((g.mean((2, 3), keepdim=True) * a).sum(1))[0]
cam = (cam / (cam.max() + 1e-7)).detach().numpy()
Image.fromarray((cam * 255).astype(np.uint8)).resize((img.shape[1], img.shape[0]), Image.BILINEAR).save(out)
