#!/usr/bin/env python3
"""Reference for image loading: what keras.utils.load_img (Pillow) gives.

Writes testdata/images/: small source images in the formats users bring (PNG RGB, RGBA,
grayscale, 16-bit grayscale, palette; JPEG RGB, grayscale, CMYK) and, for each, the array
load_img returns for several target sizes, interpolations and colour modes, as float32 .npy
files, plus cases.json listing them. Uses Debian's python3-pil and python3-numpy
(apt-get install python3-pil python3-numpy); the logic mirrors Keras's load_img (keras/src/utils/
image_utils.py): convert to RGB or L, then resize with the PIL filter, optionally to a centred box
of the target aspect ratio (keep_aspect_ratio=True).

Run from the project root: /usr/bin/python3 tools/reference/images/generate_images.py
"""
import io, json, pathlib
import numpy as np
from PIL import Image

OUT = pathlib.Path('testdata/images')
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(20261123)

def base_rgb(w=37, h=23):
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 255 / (w - 1))
    g = (y * 255 / (h - 1))
    b = 128 + 100 * np.sin(x / 3.0) * np.cos(y / 4.0)
    img = np.stack([r, g, b], -1) + rng.normal(0, 12, (h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)

rgb = base_rgb()
sources = {}
def save(name, img, **kw):
    path = OUT / name
    img.save(path, **kw)
    sources[name] = img.mode

save('rgb.png', Image.fromarray(rgb, 'RGB'))
save('rgb.jpg', Image.fromarray(rgb, 'RGB'), quality=92)
alpha = (rng.uniform(0, 255, rgb.shape[:2])).astype(np.uint8)
save('rgba.png', Image.fromarray(np.dstack([rgb, alpha]), 'RGBA'))
save('gray.png', Image.fromarray(rgb[..., 1], 'L'))
save('gray.jpg', Image.fromarray(rgb[..., 0], 'L'), quality=92)
gray16 = (rgb[..., 2].astype(np.uint16) * 257 + rng.integers(0, 200, rgb.shape[:2])).astype(np.uint16)
save('gray16.png', Image.fromarray(gray16, 'I;16'))
save('palette.png', Image.fromarray(rgb, 'RGB').convert('P', palette=Image.ADAPTIVE, colors=32))
save('cmyk.jpg', Image.fromarray(rgb, 'RGB').convert('CMYK'), quality=95)
(OUT / 'not_an_image.png').write_bytes(b'this is text, not a PNG\n')
(OUT / 'truncated.jpg').write_bytes((OUT / 'rgb.jpg').read_bytes()[:300])

def load_img(path, color_mode, target, interpolation, keep_aspect_ratio):
    """keras.utils.load_img, step by step."""
    img = Image.open(path)
    if color_mode == 'grayscale':
        if img.mode not in ('L', 'I;16', 'I'):
            img = img.convert('L')
    elif img.mode != 'RGB':
        img = img.convert('RGB')
    resample = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR}[interpolation]
    wh = (target[1], target[0])
    if img.size != wh:
        if keep_aspect_ratio:
            width, height = img.size
            tw, th = wh
            crop_height = min(height, (width * th) // tw)
            crop_width = min(width, (height * tw) // th)
            hs = (height - crop_height) // 2
            ws = (width - crop_width) // 2
            img = img.resize(wh, resample, box=[ws, hs, ws + crop_width, hs + crop_height])
        else:
            img = img.resize(wh, resample)
    x = np.asarray(img, dtype=np.float32)
    if x.ndim == 2:
        x = x[..., None]
    return x

def write_npy(path, a):
    a = np.ascontiguousarray(a, dtype='<f4')
    np.save(path, a)

cases = []
for src in sources:
    for color_mode in ('rgb', 'grayscale'):
        for target in ((16, 16), (9, 13), (23, 37), (40, 30)):
            for interpolation in ('nearest', 'bilinear'):
                for keep in (False, True):
                    name = '%s__%s_%dx%d_%s%s' % (src.replace('.', '_'), color_mode, target[0], target[1],
                                                   interpolation, '_keep' if keep else '')
                    x = load_img(OUT / src, color_mode, target, interpolation, keep)
                    write_npy(OUT / (name + '.npy'), x)
                    cases.append({'name': name, 'source': src, 'source_mode': sources[src],
                                  'color_mode': color_mode, 'target_size': list(target),
                                  'interpolation': interpolation, 'keep_aspect_ratio': keep,
                                  'expected': name + '.npy'})
(OUT / 'cases.json').write_text(json.dumps({'generator': 'tools/reference/images/generate_images.py',
                                            'pillow': Image.__version__, 'cases': cases}, indent=1))
print(len(cases), 'cases;', len(sources), 'sources')
