#!/usr/bin/env node
// A second, independently written generator of the demo model's five shapes, for a held-out test
// set that is *not* drawn by the generator the model was trained on
// (tools/src/main/java/io/gradcam4j/demo/ShapesDataset.java).
//
// Deliberately different from the Java generator in every place where a model could have learnt a
// habit of the training generator:
//   * geometry: shapes are signed-distance functions in pixel units with analytic anti-aliasing
//     (Java: point-in-polygon with supersampling); the star's inner radius, the cross's arm width
//     and the triangle's corners vary; rotations and sizes follow other ranges, and shapes are
//     somewhat smaller (radius 13..30 px of 128);
//   * backgrounds of other kinds: checkerboards, wood grain, dense crossing lines, smooth fractal
//     noise and photo-like speckle, often with extra crossing lines on top;
//   * shapes are filled (flat or shaded) or only outlined (a stroke of 2.5..5 px);
//   * degradations: a Gaussian blur, pixel noise, posterisation.
//
// Each image comes with a mask: 255 where the pixel centre lies inside the shape's outline (an
// outlined shape's enclosed interior counts as the object), 0 elsewhere.
//
//   cd tools/reference && npm ci && node shapes/heldout.js [--out ../../testdata/shapes] [--per-class 40] [--seed heldout-1]
//
// Deterministic: image k of class c is drawn from a PRNG seeded with a hash of (seed, c, k) only, so
// a re-run writes byte-identical files and changing --per-class keeps the first images.
'use strict';

const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');

const SIZE = 128;
const CLASSES = ['circle', 'square', 'triangle', 'star', 'cross'];

// ---------------------------------------------------------------------------------------------
// Random numbers: sfc32 seeded from a cyrb128 hash of a string.
// ---------------------------------------------------------------------------------------------

function cyrb128(str) {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

function makeRandom(key) {
  let [a, b, c, d] = cyrb128(key);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();   // let the state mix
  const rnd = {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor((hi - lo + 1) * next()),   // inclusive
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    normal: () => {
      // Marsaglia's polar method
      for (;;) {
        const u = 2 * next() - 1;
        const v = 2 * next() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) return u * Math.sqrt(-2 * Math.log(s) / s);
      }
    },
  };
  return rnd;
}

// ---------------------------------------------------------------------------------------------
// Colours: HSL picks, compared by luma and RGB distance.
// ---------------------------------------------------------------------------------------------

function hsl(h, s, l) {
  const f = (n) => {
    const k = (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)];
}

const luma = (c) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const mix = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

function randomColour(rnd) {
  return hsl(rnd.range(0, 360), rnd.range(0.15, 1), rnd.range(0.12, 0.88));
}

// A colour for the object that stands out from every colour of the background palette.
function objectColour(rnd, palette) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const c = randomColour(rnd);
    if (palette.every((p) => Math.abs(luma(c) - luma(p)) >= 55 && dist(c, p) >= 95)) return c;
  }
  // Fall back on whichever of near-black and near-white is farther from the palette's mean.
  const mean = palette.reduce((s, p) => s + luma(p), 0) / palette.length;
  return mean > 128 ? [18, 18, 24] : [238, 236, 230];
}

// A background palette of `n` colours with a limited spread of luma, so that an object colour
// far from all of them exists.
function palette(rnd, n) {
  const dark = rnd.chance(0.5);
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(hsl(rnd.range(0, 360), rnd.range(0.1, 0.9), dark ? rnd.range(0.1, 0.45) : rnd.range(0.55, 0.92)));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Smooth value noise (bilinear lattice with a smoothstep), for wood, clouds and speckle.
// ---------------------------------------------------------------------------------------------

function valueNoise(rnd, cells) {
  const n = cells + 1;
  const grid = new Float64Array(n * n);
  for (let i = 0; i < grid.length; i++) grid[i] = rnd.next();
  const smooth = (t) => t * t * (3 - 2 * t);
  return (x, y) => {   // x, y in [0, 1]
    const gx = Math.min(x * cells, cells - 1e-9);
    const gy = Math.min(y * cells, cells - 1e-9);
    const ix = Math.floor(gx), iy = Math.floor(gy);
    const fx = smooth(gx - ix), fy = smooth(gy - iy);
    const at = (i, j) => grid[j * n + i];
    const top = at(ix, iy) * (1 - fx) + at(ix + 1, iy) * fx;
    const bottom = at(ix, iy + 1) * (1 - fx) + at(ix + 1, iy + 1) * fx;
    return top * (1 - fy) + bottom * fy;
  };
}

function fractalNoise(rnd, baseCells, octaves) {
  const layers = [];
  for (let o = 0; o < octaves; o++) layers.push(valueNoise(rnd, baseCells << o));
  return (x, y) => {
    let sum = 0, weight = 0, w = 1;
    for (const layer of layers) {
      sum += w * layer(x, y);
      weight += w;
      w *= 0.5;
    }
    return sum / weight;
  };
}

// ---------------------------------------------------------------------------------------------
// Backgrounds. Each returns { colourAt(x, y) -> [r, g, b], palette } in pixel coordinates.
// ---------------------------------------------------------------------------------------------

function checkerboard(rnd) {
  const [a, b] = palette(rnd, 2);
  const cell = rnd.range(5, 18);
  const angle = rnd.range(0, Math.PI);
  const ca = Math.cos(angle), sa = Math.sin(angle);
  const ox = rnd.range(0, cell), oy = rnd.range(0, cell);
  return {
    palette: [a, b],
    colourAt: (x, y) => {
      const u = (x * ca + y * sa + ox) / cell;
      const v = (-x * sa + y * ca + oy) / cell;
      // soft edges: distance to the nearest cell border, in pixels
      const fu = u - Math.floor(u), fv = v - Math.floor(v);
      const parity = (Math.floor(u) + Math.floor(v)) & 1;
      const edge = Math.min(fu, 1 - fu, fv, 1 - fv) * cell;
      const t = Math.min(1, edge + 0.5);
      const c = parity ? a : b;
      const other = parity ? b : a;
      return mix(other, c, 0.5 + 0.5 * t);
    },
  };
}

function woodGrain(rnd) {
  const [light, dark] = palette(rnd, 2);
  // rings around a centre far outside the picture, bent by smooth noise
  const angle = rnd.range(0, 2 * Math.PI);
  const far = rnd.range(150, 600);
  const cx = SIZE / 2 + far * Math.cos(angle), cy = SIZE / 2 + far * Math.sin(angle);
  const spacing = rnd.range(3.5, 10);
  const warp = fractalNoise(rnd, 3, 3);
  const grain = valueNoise(rnd, 40);
  const warpAmount = rnd.range(4, 18);
  return {
    palette: [light, dark],
    colourAt: (x, y) => {
      const r = Math.hypot(x - cx, y - cy) + warpAmount * warp(x / SIZE, y / SIZE);
      const ring = 0.5 + 0.5 * Math.sin(2 * Math.PI * r / spacing);
      const t = Math.pow(ring, 2.5) * 0.85 + 0.15 * grain(x / SIZE, y / SIZE);
      return mix(light, dark, t);
    },
  };
}

function plainBase(rnd) {
  const [a, b] = palette(rnd, 2);
  const angle = rnd.range(0, 2 * Math.PI);
  const ca = Math.cos(angle), sa = Math.sin(angle);
  return {
    palette: [a, b],
    colourAt: (x, y) => mix(a, b, Math.min(1, Math.max(0, 0.5 + ((x - 64) * ca + (y - 64) * sa) / 128))),
  };
}

function clouds(rnd) {
  const cols = palette(rnd, 3);
  const noise = fractalNoise(rnd, rnd.int(2, 5), 4);
  const contrast = rnd.range(1.5, 3);
  return {
    palette: cols,
    colourAt: (x, y) => {
      const t = Math.min(1, Math.max(0, 0.5 + (noise(x / SIZE, y / SIZE) - 0.5) * contrast));
      return t < 0.5 ? mix(cols[0], cols[1], 2 * t) : mix(cols[1], cols[2], 2 * t - 1);
    },
  };
}

function speckle(rnd) {
  // photo-like: a blotchy tint with grains and small dots of random size
  const cols = palette(rnd, 3);
  const tint = fractalNoise(rnd, 4, 3);
  const grains = valueNoise(rnd, 64);
  const dots = [];
  const count = rnd.int(40, 140);
  for (let i = 0; i < count; i++) {
    dots.push({ x: rnd.range(0, SIZE), y: rnd.range(0, SIZE), r: rnd.range(0.6, 2.4), c: rnd.pick(cols) });
  }
  return {
    palette: cols,
    colourAt: (x, y) => {
      let c = mix(cols[0], cols[1], tint(x / SIZE, y / SIZE));
      c = mix(c, cols[2], 0.35 * grains(x / SIZE, y / SIZE));
      for (const d of dots) {
        const cover = Math.min(1, Math.max(0, d.r + 0.5 - Math.hypot(x - d.x, y - d.y)));
        if (cover > 0) c = mix(c, d.c, cover);
      }
      return c;
    },
  };
}

// Straight lines across the whole picture, of 1..4 px, in the palette's colours (or a darker or
// lighter version of them): drawn on another background.
function withLines(rnd, base, count) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const angle = rnd.range(0, Math.PI);
    const px = rnd.range(0, SIZE), py = rnd.range(0, SIZE);
    const colour = mix(rnd.pick(base.palette), rnd.chance(0.5) ? [0, 0, 0] : [255, 255, 255], rnd.range(0, 0.3));
    lines.push({ nx: -Math.sin(angle), ny: Math.cos(angle), c: px * -Math.sin(angle) + py * Math.cos(angle),
      half: rnd.range(0.5, 2), colour });
  }
  return {
    palette: base.palette.concat(lines.map((l) => l.colour)),
    colourAt: (x, y) => {
      let c = base.colourAt(x, y);
      for (const l of lines) {
        const d = Math.abs(x * l.nx + y * l.ny - l.c);
        const cover = Math.min(1, Math.max(0, l.half + 0.5 - d));
        if (cover > 0) c = mix(c, l.colour, cover);
      }
      return c;
    },
  };
}

const BACKGROUNDS = [
  (rnd) => checkerboard(rnd),
  (rnd) => woodGrain(rnd),
  (rnd) => withLines(rnd, plainBase(rnd), rnd.int(10, 24)),   // many crossing lines
  (rnd) => clouds(rnd),
  (rnd) => speckle(rnd),
];

function background(rnd) {
  const base = rnd.pick(BACKGROUNDS)(rnd);
  // Half of the other backgrounds get some crossing lines too.
  return rnd.chance(0.5) ? withLines(rnd, base, rnd.int(3, 9)) : base;
}

// ---------------------------------------------------------------------------------------------
// Shapes as signed distance functions (pixels; negative inside), centred at the origin.
// ---------------------------------------------------------------------------------------------

function boxSdf(x, y, hx, hy) {
  const dx = Math.abs(x) - hx, dy = Math.abs(y) - hy;
  const ox = Math.max(dx, 0), oy = Math.max(dy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(dx, dy), 0);
}

// Exact signed distance to a simple polygon (winding by crossings).
function polygonSdf(vx, vy) {
  const n = vx.length;
  return (x, y) => {
    let d = Infinity;
    let inside = false;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ex = vx[i] - vx[j], ey = vy[i] - vy[j];
      const wx = x - vx[j], wy = y - vy[j];
      const t = Math.max(0, Math.min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
      d = Math.min(d, Math.hypot(wx - ex * t, wy - ey * t));
      if ((vy[i] > y) !== (vy[j] > y) && x < ex * (y - vy[j]) / ey + vx[j]) inside = !inside;
    }
    return inside ? -d : d;
  };
}

// Each maker returns an sdf(x, y) for a shape of "radius" r (about the radius of the disc it fills).
const SHAPES = {
  circle: (rnd, r) => (x, y) => Math.hypot(x, y) - r,
  square: (rnd, r) => {
    const h = r * rnd.range(0.76, 0.84);
    return (x, y) => boxSdf(x, y, h, h);
  },
  triangle: (rnd, r) => {
    // an equilateral triangle pointing up, each corner moved a little
    const vx = [], vy = [];
    for (let k = 0; k < 3; k++) {
      const a = -Math.PI / 2 + (2 * Math.PI * k) / 3 + rnd.range(-0.08, 0.08);
      const rr = r * 1.12 * rnd.range(0.93, 1.05);
      vx.push(rr * Math.cos(a));
      vy.push(rr * Math.sin(a) + 0.2 * r);   // the centroid sits a little below the middle
    }
    return polygonSdf(vx, vy);
  },
  star: (rnd, r) => {
    const inner = rnd.range(0.4, 0.55);
    const vx = [], vy = [];
    for (let k = 0; k < 10; k++) {
      const a = -Math.PI / 2 + (Math.PI * k) / 5;
      const rr = (k % 2 === 0 ? 1.1 : 1.1 * inner) * r;
      vx.push(rr * Math.cos(a));
      vy.push(rr * Math.sin(a));
    }
    return polygonSdf(vx, vy);
  },
  cross: (rnd, r) => {
    // a plus sign: the union of a horizontal and a vertical bar
    const len = r * rnd.range(0.95, 1.05);
    const arm = r * rnd.range(0.24, 0.36);
    const len2 = len * rnd.range(0.9, 1.1);
    return (x, y) => Math.min(boxSdf(x, y, len, arm), boxSdf(x, y, arm, len2));
  },
};

// Tilt limits (degrees) per class: all stay recognisably upright (a square at 45 degrees would be a
// diamond, a cross an X).
const TILT = { circle: 180, square: 18, triangle: 20, star: 20, cross: 18 };

// ---------------------------------------------------------------------------------------------
// One picture.
// ---------------------------------------------------------------------------------------------

function draw(cls, rnd) {
  const bg = background(rnd);
  const r = rnd.range(13, 30);
  const margin = 1.2 * r + 3;
  const cx = rnd.range(margin, SIZE - margin), cy = rnd.range(margin, SIZE - margin);
  const tilt = (rnd.range(-TILT[cls], TILT[cls]) * Math.PI) / 180;
  const ct = Math.cos(tilt), st = Math.sin(tilt);
  const sdf = SHAPES[cls](rnd, r);
  const local = (x, y) => {   // pixel centre to the shape's frame
    const dx = x - cx, dy = y - cy;
    return sdf(dx * ct + dy * st, -dx * st + dy * ct);
  };

  const colour = objectColour(rnd, bg.palette);
  const style = rnd.pick(['flat', 'flat', 'shaded', 'outline', 'outline']);
  const stroke = rnd.range(2.5, 5);
  const shadeTo = mix(colour, luma(colour) > 128 ? [255, 255, 255] : [0, 0, 0], rnd.range(0.15, 0.4));
  const shadeAngle = rnd.range(0, 2 * Math.PI);

  const rgb = new Float64Array(SIZE * SIZE * 3);
  const mask = Buffer.alloc(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const px = x + 0.5, py = y + 0.5;
      let c = bg.colourAt(px, py);
      const d = local(px, py);
      // coverage of the pixel by the paint: a filled shape, or a band just inside its outline
      const paint = style === 'outline' ? Math.abs(d + stroke / 2) - stroke / 2 : d;
      const cover = Math.min(1, Math.max(0, 0.5 - paint));
      if (cover > 0) {
        let fill = colour;
        if (style === 'shaded') {
          const t = 0.5 + (((px - cx) * Math.cos(shadeAngle) + (py - cy) * Math.sin(shadeAngle)) / (2 * r));
          fill = mix(colour, shadeTo, Math.min(1, Math.max(0, t)));
        }
        c = mix(c, fill, cover);
      }
      if (d <= 0) mask[y * SIZE + x] = 255;
      const p = (y * SIZE + x) * 3;
      rgb[p] = c[0]; rgb[p + 1] = c[1]; rgb[p + 2] = c[2];
    }
  }
  degrade(rgb, rnd);
  const out = Buffer.alloc(SIZE * SIZE * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(rgb[i])));
  return { rgb: out, mask };
}

// Blur, pixel noise and posterisation, each on some of the pictures.
function degrade(rgb, rnd) {
  if (rnd.chance(0.4)) gaussianBlur(rgb, rnd.range(0.5, 1.3));
  if (rnd.chance(0.4)) {
    const sigma = rnd.range(2, 6);
    for (let i = 0; i < rgb.length; i++) rgb[i] += sigma * rnd.normal();
  }
  if (rnd.chance(0.2)) {
    const step = rnd.pick([12, 16, 24]);
    for (let i = 0; i < rgb.length; i++) rgb[i] = Math.round(rgb[i] / step) * step;
  }
}

function gaussianBlur(rgb, sigma) {
  const radius = Math.ceil(2.5 * sigma);
  const kernel = [];
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp(-(k * k) / (2 * sigma * sigma));
    kernel.push(w);
    sum += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  const pass = (src, horizontal) => {
    const dst = new Float64Array(src.length);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        for (let ch = 0; ch < 3; ch++) {
          let acc = 0;
          for (let k = -radius; k <= radius; k++) {
            // clamp at the border
            const xx = horizontal ? Math.min(SIZE - 1, Math.max(0, x + k)) : x;
            const yy = horizontal ? y : Math.min(SIZE - 1, Math.max(0, y + k));
            acc += kernel[k + radius] * src[(yy * SIZE + xx) * 3 + ch];
          }
          dst[(y * SIZE + x) * 3 + ch] = acc;
        }
      }
    }
    return dst;
  };
  rgb.set(pass(pass(rgb, true), false));
}

// ---------------------------------------------------------------------------------------------
// Files.
// ---------------------------------------------------------------------------------------------

function writePng(file, data, colorType) {
  const png = new PNG({ width: SIZE, height: SIZE, colorType, inputColorType: colorType, inputHasAlpha: false,
    bitDepth: 8 });
  png.data = data;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false,
    deflateLevel: 9 }));
}

function options(argv) {
  const o = { out: path.resolve(__dirname, '..', '..', '..', 'testdata', 'shapes'), perClass: 40, seed: 'heldout-1' };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error('options are --name value pairs, got ' + argv.join(' '));
    if (name === '--out') o.out = path.resolve(value);
    else if (name === '--per-class') o.perClass = parseInt(value, 10);
    else if (name === '--seed') o.seed = value;
    else throw new Error('unknown option ' + name + ' (--out, --per-class, --seed)');
  }
  return o;
}

function main() {
  const o = options(process.argv.slice(2));
  for (const dir of ['heldout', 'heldout-masks']) fs.rmSync(path.join(o.out, dir), { recursive: true, force: true });
  let bytes = 0;
  CLASSES.forEach((cls, c) => {
    for (let k = 0; k < o.perClass; k++) {
      const rnd = makeRandom(`${o.seed}/${c}/${k}`);
      const { rgb, mask } = draw(cls, rnd);
      const name = String(k).padStart(3, '0') + '.png';
      const image = path.join(o.out, 'heldout', cls, name);
      const maskFile = path.join(o.out, 'heldout-masks', cls, name);
      writePng(image, rgb, 2);
      writePng(maskFile, mask, 0);
      bytes += fs.statSync(image).size + fs.statSync(maskFile).size;
    }
  });
  console.log(`wrote ${CLASSES.length * o.perClass} images and masks (${(bytes / 1e6).toFixed(2)} MB) under ${o.out}`);
}

if (require.main === module) main();
module.exports = { draw, makeRandom, CLASSES, SIZE };
