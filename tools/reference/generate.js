#!/usr/bin/env node
// gradcam4j reference-fixture generator.
//
// Writes deterministic forward/backward fixtures (NumPy .npy float32 + case.json) into
// <repo>/testdata/{layers,losses,graphs}/ using TensorFlow.js 4.22 on the pure-JS cpu backend,
// with the known TF.js-vs-Keras deviations fixed (see README.md), and checks every gradient it
// writes against central finite differences. Exits non-zero if any check fails.
//
//   cd tools/reference && npm ci && node generate.js
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

// Silence the "install tfjs-node" banner: it goes to console.log while tfjs loads.
const origLog = console.log;
console.log = () => {};
const tf = require('@tensorflow/tfjs');
console.log = origLog;

// Helpers shared with corpus.js, applications.js and saved.js.
const { size, npyBytes, stringify, maxAbs, maxAbsDiff, samePad } = require('./common');

const OUT = path.resolve(__dirname, '..', '..', 'testdata');
const OWNED_DIRS = ['layers', 'losses', 'graphs'];

// ---------------------------------------------------------------------------------------------
// Deterministic random numbers (mulberry32), seeded per case from the case name.
// ---------------------------------------------------------------------------------------------
function fnv1a(str) {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

class Rng {
  constructor(seed) { this.a = seed >>> 0; }
  next() { // mulberry32, uniform in [0,1)
    let t = (this.a = (this.a + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(shape, lo = -1, hi = 1) {
    const n = size(shape);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * this.next();
    return a;
  }
  normal(shape) {
    const n = size(shape);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u1 = 1 - this.next(), u2 = this.next();
      a[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
    return a;
  }
  int(n) { return Math.floor(this.next() * n); }
}

// ---------------------------------------------------------------------------------------------
// .npy v1.0 writer (<f4, C order).
// ---------------------------------------------------------------------------------------------

let bytesWritten = 0;
function writeFile(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  bytesWritten += Buffer.byteLength(content);
}
function writeJson(file, obj) { writeFile(file, stringify(obj) + '\n'); }   // counted in bytesWritten
function writeNpy(dir, name, shape, data) {
  writeFile(path.join(dir, name), npyBytes(shape, data));
  return name;
}
// JSON with 1-space indentation, arrays of numbers/strings/null kept on one line.
// ---------------------------------------------------------------------------------------------
// Small numeric helpers (double precision on the JS side).
// ---------------------------------------------------------------------------------------------
function dot(a, b) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }
function norm(a) { return Math.sqrt(dot(a, a)); }
function relDiff(a, b) { return maxAbsDiff(a, b) / Math.max(maxAbs(b), 1e-6); }
function sameShape(a, b) { return a.length === b.length && a.every((v, i) => v === b[i]); }

// ---------------------------------------------------------------------------------------------
// Keras semantics implemented with plain differentiable tf ops (the deviation fixes).
// ---------------------------------------------------------------------------------------------
const K = {};

// Insert (d-1) zeros between kernel taps along axes 0 and 1 of a [kh,kw,a,b] kernel. Differentiable,
// so the gradient w.r.t. the undilated kernel is the gradient of the zero-stuffed one at the taps.
K.dilateKernel = (k, dh, dw) => {
  let [kh, kw, a, b] = k.shape;
  let t = k;
  if (dh > 1) {
    t = t.reshape([kh, 1, kw, a, b]).pad([[0, 0], [0, dh - 1], [0, 0], [0, 0], [0, 0]])
      .reshape([kh * dh, kw, a, b]).slice([0, 0, 0, 0], [(kh - 1) * dh + 1, kw, a, b]);
  }
  if (dw > 1) {
    const H = t.shape[0];
    t = t.reshape([H, kw, 1, a, b]).pad([[0, 0], [0, 0], [0, dw - 1], [0, 0], [0, 0]])
      .reshape([H, kw * dw, a, b]).slice([0, 0, 0, 0], [H, (kw - 1) * dw + 1, a, b]);
  }
  return t;
};

K.activation = (name, x) => {
  switch (name) {
    case 'linear': return x;
    case 'relu': return tf.relu(x);
    case 'relu6': return tf.relu6(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'softmax': return tf.softmax(x, -1);
    case 'softplus': return tf.softplus(x);
    case 'elu': return tf.elu(x);
    case 'selu': return tf.selu(x);
    case 'swish': case 'silu': return x.mul(tf.sigmoid(x));
    case 'hard_sigmoid': return tf.clipByValue(x.mul(0.2).add(0.5), 0, 1); // Keras 2 definition
    case 'hard_swish': return x.mul(tf.relu6(x.add(3)).div(6)); // Keras 3 hard_silu: x * relu6(x + 3) / 6
    default: throw new Error('activation ' + name);
  }
};

// Keras Conv2D / DepthwiseConv2D with dilation via zero-stuffed kernels.
K.conv2d = (x, kernel, bias, { strides, padding, dilation, activation }) => {
  const k = K.dilateKernel(kernel, dilation[0], dilation[1]);
  let y = tf.conv2d(x, k, strides, padding);
  if (bias) y = y.add(bias);
  return K.activation(activation || 'linear', y);
};
K.depthwise = (x, kernel, bias, { strides, padding, dilation, activation }) => {
  const k = K.dilateKernel(kernel, dilation[0], dilation[1]);
  let y = tf.depthwiseConv2d(x, k, strides, padding);
  if (bias) y = y.add(bias);
  return K.activation(activation || 'linear', y);
};

// TF 'same' padding amounts for one spatial axis.

// Sum pooling = zero-pad (TF same convention) + valid avgPool * window size. Its gradient is exact.
K.sumPool = (x, pool, strides, padding) => {
  let t = x;
  if (padding === 'same') {
    const ph = samePad(x.shape[1], pool[0], strides[0]);
    const pw = samePad(x.shape[2], pool[1], strides[1]);
    t = tf.pad(x, [[0, 0], ph, pw, [0, 0]]);
  }
  return tf.avgPool(t, pool, strides, 'valid').mul(pool[0] * pool[1]);
};
// Keras AveragePooling2D: sum-pool / count-pool (count excludes padded cells).
K.avgPool = (x, pool, strides, padding) => {
  const s = K.sumPool(x, pool, strides, padding);
  const c = K.sumPool(tf.onesLike(x), pool, strides, padding);
  return s.div(c);
};

// TensorFlow's reduce_max gradient: shared equally among tied maxima.
K.globalMax = (x, keepdims) => {
  const f = tf.customGrad((xx, save) => {
    const m = tf.max(xx, [1, 2], true);
    save([xx, m]);
    return {
      value: m,
      gradFunc: (dy, saved) => {
        const [xs, ms] = saved;
        const mask = tf.cast(tf.equal(xs, ms), 'float32');
        const cnt = tf.sum(mask, [1, 2], true);
        return mask.div(cnt).mul(dy);
      },
    };
  });
  const m = f(x);
  return keepdims ? m : m.reshape([x.shape[0], x.shape[3]]);
};
K.globalAvg = (x, keepdims) => tf.mean(x, [1, 2], keepdims);

// BatchNormalization, inference: (x-mean)/sqrt(var+eps)*gamma+beta, gamma/beta optional.
K.bnInference = (x, gamma, beta, mean, variance, eps) => {
  let y = x.sub(mean).div(variance.add(eps).sqrt());
  if (gamma) y = y.mul(gamma);
  if (beta) y = y.add(beta);
  return y;
};
// BatchNormalization, training: batch statistics over all axes but the last, biased variance.
K.bnTraining = (x, gamma, beta, eps) => {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const mean = tf.mean(x, axes);
  const variance = tf.mean(tf.square(x.sub(mean)), axes);
  return { y: K.bnInference(x, gamma, beta, mean, variance, eps), mean, variance };
};

// Keras backend.relu / ReLU layer (negative_slope, max_value, threshold).
//   y = max_value                    if x >= max_value
//     = x                            if threshold <= x < max_value   (x == threshold gives 0-ish, both branches agree)
//     = negative_slope*(x-threshold) otherwise
// A 0/1 mask computed outside the tape (tf.js has no gradient for comparison ops); the
// gradient of x*mask is mask, as TensorFlow's gradient of x*cast(x>t) is.
K.constMask = (x, pred) => tf.tensor(Float32Array.from(x.dataSync(), (v) => (pred(v) ? 1 : 0)), x.shape);
K.relu = (x, { negative_slope = 0, max_value = null, threshold = 0 }) => {
  let pos = x.mul(K.constMask(x, (v) => v > threshold));
  if (max_value !== null) pos = tf.clipByValue(pos, 0, max_value);
  if (negative_slope !== 0) pos = pos.sub(tf.relu(tf.neg(x).add(threshold)).mul(negative_slope));
  return pos;
};
K.eluAlpha = (x, alpha) => {
  const m = K.constMask(x, (v) => v > 0);
  return x.mul(m).add(tf.exp(tf.minimum(x, 0)).sub(1).mul(alpha).mul(tf.sub(1, m)));
};
// Nearest-neighbour UpSampling2D with rank-4 tiles (tf.js's resizeNearestNeighbor gradient on the
// cpu backend is wrong for batch > 1, and tile has no gradient above rank 4).
K.upsample = (x, sh, sw) => {
  const [n, h, w, c] = x.shape;
  return x.reshape([n * h, w, 1, c]).tile([1, 1, sw, 1]).reshape([n, h, 1, w * sw * c])
    .tile([1, 1, sh, 1]).reshape([n, h * sh, w * sw, c]);
};

// ---------------------------------------------------------------------------------------------
// Keras config from tf.js's own serializer.
// ---------------------------------------------------------------------------------------------
function tfjsConfig(layer, inShapes) {
  const ins = inShapes.map((s) => tf.input({ shape: s.slice(1) }));
  const out = layer.apply(ins.length === 1 ? ins[0] : ins);
  const m = tf.model({ inputs: ins, outputs: out });
  const j = m.toJSON(null, false);
  const l = j.config.layers.find((q) => q.name === layer.name);
  if (!l) throw new Error('layer not found in toJSON: ' + layer.name);
  return { class_name: l.class_name, config: JSON.parse(JSON.stringify(l.config)) };
}

// ---------------------------------------------------------------------------------------------
// Finite-difference check: loss L(vars) = sum(out * R) evaluated in double on the JS side.
// ---------------------------------------------------------------------------------------------
const FD_TOL = 2e-2;
// Steps tried in order; a check passes if any step agrees. Small steps are needed where a kink
// (relu, max) lies within h of an evaluation point; larger ones where float32 round-off dominates.
const FD_STEPS = [1e-3, 3e-4, 1e-4, 3e-5, 3e-3, 1e-2];

function lossOf(fwd, R) {
  return tf.tidy(() => {
    const o = fwd().dataSync();
    return dot(o, R);
  });
}

function fdCheck(label, fwd, R, variable, grad, rng) {
  // returns {worst rel err, details}
  const x0 = variable.dataSync().slice();
  const shape = variable.shape;
  const g = grad;
  const results = [];
  for (let d = 0; d < 2; d++) {
    const v = rng.normal(shape);
    let best = Infinity, bestH = 0, bestFd = 0, bestAn = 0;
    for (const h of FD_STEPS) {
      const xp = new Float32Array(x0.length), xm = new Float32Array(x0.length);
      for (let i = 0; i < x0.length; i++) { xp[i] = x0[i] + h * v[i]; xm[i] = x0[i] - h * v[i]; }
      variable.assign(tf.tensor(xp, shape));
      const lp = lossOf(fwd, R);
      variable.assign(tf.tensor(xm, shape));
      const lm = lossOf(fwd, R);
      variable.assign(tf.tensor(x0, shape));
      const fd = (lp - lm) / (2 * h);
      // directional derivative along the perturbation actually applied after float32 rounding
      let an = 0;
      for (let i = 0; i < x0.length; i++) an += g[i] * (xp[i] - xm[i]) / (2 * h);
      const scale = Math.max(Math.abs(an), Math.abs(fd), 0.1 * norm(g) * norm(v) / Math.sqrt(v.length), 1e-6);
      const err = Math.abs(fd - an) / scale;
      if (process.env.DEBUG_FD) console.log(label, d, h, an, fd, err, lp, lm);
      if (err < best) { best = err; bestH = h; bestFd = fd; bestAn = an; }
      if (best < FD_TOL / 4) break;
    }
    results.push({ label, dir: d, an: bestAn, fd: bestFd, h: bestH, err: best });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Reporting.
// ---------------------------------------------------------------------------------------------
const table = [];        // {kind, name, checks, worst, status, note}
const deviations = [];   // observed tf.js deviations
const failures = [];

function fail(name, msg) { failures.push(`${name}: ${msg}`); }

// ---------------------------------------------------------------------------------------------
// Layer cases.
// ---------------------------------------------------------------------------------------------
const layerCases = [];
function layerCase(name, def) { layerCase.list.push({ name, def }); }
layerCase.list = layerCases;

function runLayerCase({ name, def }) {
  const rng = new Rng(fnv1a('layer:' + name));
  const spec = def(rng);
  const dir = path.join(OUT, 'layers', name);
  const inputs = spec.inputs;      // [{shape, data}]
  const weights = spec.weights || []; // [{name, shape, data, trainable}]
  const callArgs = spec.callArgs || {};

  let layer = spec.layer || null;
  let classConfig;
  if (spec.config) {
    classConfig = { class_name: spec.class_name, config: spec.config };
  } else {
    classConfig = tfjsConfig(layer, inputs.map((i) => i.shape));
    if (spec.configPatch) spec.configPatch(classConfig.config);
  }

  const xVars = inputs.map((i) => tf.variable(tf.tensor(i.data, i.shape), true));
  let wVars, fwd;
  if (spec.forward) {
    wVars = weights.map((w) => tf.variable(tf.tensor(w.data, w.shape), w.trainable !== false));
    fwd = () => spec.forward(xVars, wVars);
  } else {
    if (!layer) throw new Error(name + ': no forward and no layer');
    setLayerWeights(name, layer, weights);
    wVars = layer.weights.map((w) => w.read());
    fwd = () => layer.apply(xVars.length === 1 ? xVars[0] : xVars, callArgs);
  }

  const outT = fwd();
  const outShape = outT.shape.slice();
  const out = outT.dataSync().slice();
  outT.dispose();
  const R = rng.uniform(outShape, -1, 1);
  const Rt = tf.tensor(R, outShape);

  const trainable = weights.map((w, i) => ({ w, v: wVars[i] })).filter((p) => p.w.trainable !== false);
  const varList = [...xVars, ...trainable.map((p) => p.v)];
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(fwd(), Rt)), varList);
  value.dispose();
  const gradData = varList.map((v) => grads[v.name].dataSync().slice());

  // sanity checks of the custom forward against tf.layers / tf ops where those are right
  for (const s of spec.sanity || []) {
    const ref = s.ref(xVars, wVars);
    const d = relDiff(out, ref.dataSync());
    const ok = sameShape(ref.shape, outShape) && d <= (s.tol || 1e-5);
    table.push({ kind: 'sanity', name, what: s.what, err: d, ok });
    if (!ok) fail(name, `sanity '${s.what}' differs: rel ${d} shape ${ref.shape} vs ${outShape}`);
  }
  // observed tf.js deviations (informational): native tf.layers gradient vs ours
  if (spec.demo) {
    try {
      const r = spec.demo(xVars, wVars, Rt, varList, gradData);
      deviations.push({ name, ...r });
    } catch (e) {
      deviations.push({ name, what: spec.demoWhat || 'tf.js native', result: 'throws: ' + String(e.message).split('\n')[0] });
    }
  }

  // finite differences
  let worst = 0, nchecks = 0, hmin = Infinity;
  if (spec.fdSkip) {
    table.push({ kind: 'layer', name, checks: 0, worst: NaN, ok: true, note: 'FD skipped: ' + spec.fdSkip });
  } else {
    const labels = [...inputs.map((_, i) => 'input_' + i), ...trainable.map((p) => p.w.name)];
    for (let i = 0; i < varList.length; i++) {
      for (const r of fdCheck(labels[i], fwd, R, varList[i], gradData[i], rng)) {
        nchecks++;
        worst = Math.max(worst, r.err); hmin = Math.min(hmin, r.h);
        if (!(r.err <= FD_TOL)) fail(name, `FD ${r.label} dir ${r.dir}: analytic ${r.an} fd ${r.fd} (h ${r.h}) rel ${r.err}`);
      }
    }
    table.push({ kind: 'layer', name, checks: nchecks, worst, ok: worst <= FD_TOL, hmin });
  }
  if (spec.extraCheck) {
    const msg = spec.extraCheck({ inputs, out, R, gradData });
    if (msg) fail(name, msg);
    table.push({ kind: 'extra', name, what: spec.extraWhat || 'extra check', err: 0, ok: !msg });
  }

  // write
  fs.rmSync(dir, { recursive: true, force: true });
  const caseJson = {
    name,
    class_name: classConfig.class_name,
    config: classConfig.config,
    inputs: inputs.map((inp, i) => ({ file: writeNpy(dir, `input_${i}.npy`, inp.shape, inp.data), shape: inp.shape })),
    weights: weights.map((w) => ({ name: w.name, file: writeNpy(dir, `weight_${w.name}.npy`, w.shape, w.data), shape: w.shape })),
    training: !!spec.training,
    output: { file: writeNpy(dir, 'output.npy', outShape, out), shape: outShape },
    projection: { file: writeNpy(dir, 'projection.npy', outShape, R) },
    input_grads: inputs.map((inp, i) => ({ file: writeNpy(dir, `grad_input_${i}.npy`, inp.shape, gradData[i]) })),
    weight_grads: trainable.map((p, j) => ({
      name: p.w.name, file: writeNpy(dir, `grad_weight_${p.w.name}.npy`, p.w.shape, gradData[inputs.length + j]),
    })),
  };
  if (spec.updated) {
    caseJson.updated_weights = spec.updated(xVars, wVars).map((u) => ({
      name: u.name, file: writeNpy(dir, `updated_${u.name}.npy`, u.shape, u.data),
    }));
  }
  caseJson.reference = spec.reference || 'tfjs layers';
  writeJson(path.join(dir, 'case.json'), caseJson);

  xVars.forEach((v) => v.dispose());
  if (spec.forward) wVars.forEach((v) => v.dispose());
  Object.values(grads).forEach((g) => g.dispose());
  Rt.dispose();
  return name;
}

function setLayerWeights(name, layer, weights) {
  const lw = layer.weights;
  if (lw.length !== weights.length) throw new Error(`${name}: layer has ${lw.length} weights, case lists ${weights.length}`);
  lw.forEach((w, i) => {
    const short = w.originalName.split('/').pop();
    if (short !== weights[i].name) throw new Error(`${name}: weight ${i} is ${short}, case says ${weights[i].name}`);
    if (!sameShape(w.shape, weights[i].shape)) throw new Error(`${name}: weight ${short} shape ${w.shape} vs ${weights[i].shape}`);
    if (w.trainable !== (weights[i].trainable !== false)) throw new Error(`${name}: weight ${short} trainable mismatch`);
  });
  layer.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
}

// Compare tf.js's own gradient (via the tf.layers layer) with ours; informational.
function nativeGradDemo(what, layer, callArgs, opts = {}) {
  return (xVars, wVars, Rt, varList, gradData) => {
    const lvars = layer.weights.filter((w) => w.trainable).map((w) => w.read());
    const xs = xVars.length === 1 ? xVars[0] : xVars;
    const vl = [...xVars, ...lvars];
    const outNative = layer.apply(xs, callArgs || {});
    const fwdDiff = opts.forwardRef ? relDiff(outNative.dataSync(), opts.forwardRef().dataSync()) : null;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xs, callArgs || {}).reshape(Rt.shape), Rt)), vl);
    const gx = grads[xVars[0].name].dataSync();
    return {
      what,
      result: `input-grad max rel diff tf.js vs fixed = ${relDiff(gx, gradData[0]).toExponential(2)}` +
        (fwdDiff !== null ? `, forward rel diff = ${fwdDiff.toExponential(2)}` : ''),
    };
  };
}

// Weight generators.
const W = {
  kernel: (rng, shape, s = 0.5) => ({ name: 'kernel', shape, data: rng.uniform(shape, -s, s) }),
  bias: (rng, n) => ({ name: 'bias', shape: [n], data: rng.uniform([n], -0.5, 0.5) }),
  named: (rng, name, shape, lo, hi, trainable = true) => ({ name, shape, data: rng.uniform(shape, lo, hi), trainable }),
};
const X = (rng, shape, lo = -1, hi = 1) => ({ shape, data: rng.uniform(shape, lo, hi) });

// ---- Conv2D ---------------------------------------------------------------------------------
function convCase(name, { inShape, filters, kernel, strides = [1, 1], padding, dilation = [1, 1], useBias = true, activation = 'linear' }) {
  layerCase(name, (rng) => {
    const layer = tf.layers.conv2d({
      name, filters, kernelSize: kernel, strides, padding, dilationRate: dilation, useBias, activation,
    });
    const cin = inShape[3];
    const weights = [W.kernel(rng, [kernel[0], kernel[1], cin, filters])];
    if (useBias) weights.push(W.bias(rng, filters));
    const spec = { layer, inputs: [X(rng, inShape)], weights };
    if (dilation[0] > 1 || dilation[1] > 1) {
      spec.forward = (xs, ws) => K.conv2d(xs[0], ws[0], useBias ? ws[1] : null, { strides, padding, dilation, activation });
      spec.reference = 'tfjs ops: tf.js has no conv2d gradient for dilation > 1 (deviation 2); dilated conv computed as an ' +
        'undilated tf.conv2d with a zero-stuffed kernel built by differentiable pad/reshape/slice, so the kernel gradient ' +
        'maps back to the real taps';
      spec.sanity = [{
        what: 'vs tf.layers.conv2d forward (dilation_rate)',
        ref: (xs, ws) => { setLayerWeights(name, layer, weights); return layer.apply(xs[0]); },
      }];
      spec.demo = (xs) => {
        try {
          tf.grad((x) => tf.sum(layer.apply(x)))(xs[0]);
          return { what: 'conv2d dilation gradient', result: 'tf.js computed a gradient (unexpected)' };
        } catch (e) { return { what: 'conv2d dilation gradient', result: 'throws: ' + String(e.message).split('\n')[0].slice(0, 120) }; }
      };
    }
    return spec;
  });
}
convCase('conv2d_3x3_valid_s1_relu', { inShape: [2, 7, 5, 3], filters: 4, kernel: [3, 3], padding: 'valid', activation: 'relu' });
convCase('conv2d_3x3_same_s1', { inShape: [2, 7, 5, 3], filters: 4, kernel: [3, 3], padding: 'same' });
convCase('conv2d_3x3_same_s1_relu', { inShape: [2, 7, 5, 3], filters: 4, kernel: [3, 3], padding: 'same', activation: 'relu' });
convCase('conv2d_3x3_same_s2_13x11', { inShape: [2, 13, 11, 3], filters: 4, kernel: [3, 3], strides: [2, 2], padding: 'same' });
convCase('conv2d_3x3_same_s2_33x29', { inShape: [2, 33, 29, 2], filters: 3, kernel: [3, 3], strides: [2, 2], padding: 'same' });
convCase('conv2d_3x3_valid_s2_13x11', { inShape: [2, 13, 11, 3], filters: 4, kernel: [3, 3], strides: [2, 2], padding: 'valid' });
convCase('conv2d_5x5_same_s2_13x11', { inShape: [2, 13, 11, 3], filters: 4, kernel: [5, 5], strides: [2, 2], padding: 'same' });
convCase('conv2d_4x4_same_s2_12x10', { inShape: [2, 12, 10, 2], filters: 3, kernel: [4, 4], strides: [2, 2], padding: 'same' });
convCase('conv2d_1x1', { inShape: [2, 7, 5, 3], filters: 5, kernel: [1, 1], padding: 'valid', activation: 'relu' });
convCase('conv2d_1x1_s2_same', { inShape: [2, 7, 5, 3], filters: 5, kernel: [1, 1], strides: [2, 2], padding: 'same' });
convCase('conv2d_3x2_s2x1_same', { inShape: [2, 13, 11, 3], filters: 4, kernel: [3, 2], strides: [2, 1], padding: 'same' });
convCase('conv2d_3x2_s2x1_valid', { inShape: [2, 13, 11, 3], filters: 4, kernel: [3, 2], strides: [2, 1], padding: 'valid' });
convCase('conv2d_3x3_dil2_same', { inShape: [2, 13, 11, 3], filters: 4, kernel: [3, 3], padding: 'same', dilation: [2, 2] });
convCase('conv2d_3x3_dil2_valid', { inShape: [2, 13, 11, 3], filters: 4, kernel: [3, 3], padding: 'valid', dilation: [2, 2] });
convCase('conv2d_3x2_dil2x3_same_relu', { inShape: [2, 13, 11, 2], filters: 3, kernel: [3, 2], padding: 'same', dilation: [2, 3], activation: 'relu' });
convCase('conv2d_3x3_same_nobias', { inShape: [2, 7, 5, 3], filters: 4, kernel: [3, 3], padding: 'same', useBias: false });
convCase('conv2d_3x3_same_s2_nobias_relu', { inShape: [2, 13, 11, 3], filters: 4, kernel: [3, 3], strides: [2, 2], padding: 'same', useBias: false, activation: 'relu' });

// ---- DepthwiseConv2D ------------------------------------------------------------------------
function dwCase(name, { inShape, kernel = [3, 3], mult = 1, strides = [1, 1], padding, dilation = [1, 1], useBias = true, activation = 'linear' }) {
  layerCase(name, (rng) => {
    const layer = tf.layers.depthwiseConv2d({
      name, kernelSize: kernel, depthMultiplier: mult, strides, padding, dilationRate: dilation, useBias, activation,
    });
    const cin = inShape[3];
    const weights = [{ name: 'depthwise_kernel', shape: [kernel[0], kernel[1], cin, mult], data: rng.uniform([kernel[0], kernel[1], cin, mult], -0.5, 0.5) }];
    if (useBias) weights.push(W.bias(rng, cin * mult));
    const spec = { layer, inputs: [X(rng, inShape)], weights };
    if (dilation[0] > 1 || dilation[1] > 1) {
      spec.forward = (xs, ws) => K.depthwise(xs[0], ws[0], useBias ? ws[1] : null, { strides, padding, dilation, activation });
      spec.reference = 'tfjs ops: tf.layers.depthwiseConv2d silently ignores dilation_rate (deviation 1) and the op has no ' +
        'gradient for dilation > 1 (deviation 2); computed as an undilated tf.depthwiseConv2d with a zero-stuffed kernel ' +
        '(differentiable pad/reshape/slice), kernel gradient mapped back to the real taps';
      spec.sanity = [{
        what: 'vs tf.depthwiseConv2d op forward with dilations',
        ref: (xs, ws) => {
          let y = tf.depthwiseConv2d(xs[0], ws[0], strides, padding, 'NHWC', dilation);
          if (useBias) y = y.add(ws[1]);
          return K.activation(activation, y);
        },
      }];
      spec.demo = (xs) => {
        setLayerWeights(name, layer, weights);
        const got = layer.apply(xs[0]);
        const want = spec.forward(xs, spec.weights.map((w) => tf.tensor(w.data, w.shape)));
        const d = sameShape(got.shape, want.shape) ? `rel ${relDiff(got.dataSync(), want.dataSync()).toExponential(2)}` : `shape ${got.shape} vs ${want.shape}`;
        return { what: 'DepthwiseConv2D dilation_rate', result: `tf.layers forward differs from dilated reference: ${d}` };
      };
    }
    return spec;
  });
}
dwCase('depthwise_3x3_same_s1_m1', { inShape: [2, 7, 5, 3], padding: 'same' });
dwCase('depthwise_3x3_same_s1_m2', { inShape: [2, 7, 5, 3], mult: 2, padding: 'same' });
dwCase('depthwise_3x3_valid_s1_m1_relu', { inShape: [2, 7, 5, 3], padding: 'valid', activation: 'relu' });
dwCase('depthwise_3x3_same_s2_m1_13x11', { inShape: [2, 13, 11, 3], strides: [2, 2], padding: 'same' });
dwCase('depthwise_3x3_same_s2_m2_33x29', { inShape: [2, 33, 29, 2], mult: 2, strides: [2, 2], padding: 'same' });
dwCase('depthwise_3x3_valid_s2_m2_13x11', { inShape: [2, 13, 11, 3], mult: 2, strides: [2, 2], padding: 'valid' });
dwCase('depthwise_5x5_same_s2_m1_13x11', { inShape: [2, 13, 11, 2], kernel: [5, 5], strides: [2, 2], padding: 'same' });
dwCase('depthwise_3x3_same_s1_m1_nobias', { inShape: [2, 7, 5, 3], padding: 'same', useBias: false });
dwCase('depthwise_3x3_same_s2_m2_nobias', { inShape: [2, 13, 11, 3], mult: 2, strides: [2, 2], padding: 'same', useBias: false });
dwCase('depthwise_3x3_dil2_same_m1', { inShape: [2, 13, 11, 3], padding: 'same', dilation: [2, 2] });
dwCase('depthwise_3x3_dil2_valid_m2', { inShape: [2, 13, 11, 3], mult: 2, padding: 'valid', dilation: [2, 2] });
dwCase('depthwise_3x3_dil2_same_m2_nobias', { inShape: [2, 13, 11, 2], mult: 2, padding: 'same', dilation: [2, 2], useBias: false });

// ---- SeparableConv2D ------------------------------------------------------------------------
function sepCase(name, { inShape, filters, kernel = [3, 3], mult = 1, strides = [1, 1], padding = 'same', useBias = true, activation = 'linear' }) {
  layerCase(name, (rng) => {
    const layer = tf.layers.separableConv2d({
      name, filters, kernelSize: kernel, depthMultiplier: mult, strides, padding, useBias, activation,
    });
    const cin = inShape[3];
    const weights = [
      { name: 'depthwise_kernel', shape: [kernel[0], kernel[1], cin, mult], data: rng.uniform([kernel[0], kernel[1], cin, mult], -0.5, 0.5) },
      { name: 'pointwise_kernel', shape: [1, 1, cin * mult, filters], data: rng.uniform([1, 1, cin * mult, filters], -0.5, 0.5) },
    ];
    if (useBias) weights.push(W.bias(rng, filters));
    return {
      layer, inputs: [X(rng, inShape)], weights,
      sanity: [{
        what: 'vs depthwise+pointwise ops',
        ref: (xs, ws) => {
          let y = tf.conv2d(tf.depthwiseConv2d(xs[0], ws[0], strides, padding), ws[1], 1, 'valid');
          if (useBias) y = y.add(ws[2]);
          return K.activation(activation, y);
        },
      }],
    };
  });
}
sepCase('separable_3x3_same', { inShape: [2, 7, 5, 3], filters: 4 });
sepCase('separable_3x3_same_nobias', { inShape: [2, 7, 5, 3], filters: 4, useBias: false });
sepCase('separable_3x3_same_relu', { inShape: [2, 7, 5, 3], filters: 4, activation: 'relu' });
sepCase('separable_3x3_same_s2_13x11', { inShape: [2, 13, 11, 3], filters: 4, strides: [2, 2] });
sepCase('separable_3x3_same_s2_33x29_m2', { inShape: [2, 33, 29, 2], filters: 3, strides: [2, 2], mult: 2 });
sepCase('separable_3x3_same_m2_relu_nobias', { inShape: [2, 7, 5, 3], filters: 5, mult: 2, activation: 'relu', useBias: false });
sepCase('separable_3x3_valid_m2', { inShape: [2, 7, 5, 3], filters: 4, mult: 2, padding: 'valid' });

// ---- BatchNormalization ---------------------------------------------------------------------
function bnWeights(rng, c, center, scale) {
  const w = [];
  if (scale) w.push(W.named(rng, 'gamma', [c], 0.5, 1.5));
  if (center) w.push(W.named(rng, 'beta', [c], -0.5, 0.5));
  w.push(W.named(rng, 'moving_mean', [c], -0.5, 0.5, false));
  w.push(W.named(rng, 'moving_variance', [c], 0.5, 1.5, false));
  return w;
}
function bnCase(name, { inShape, epsilon = 1e-3, momentum = 0.99, center = true, scale = true, training = false, inLo = -1, inHi = 1 }) {
  layerCase(name, (rng) => {
    const layer = tf.layers.batchNormalization({ name, epsilon, momentum, center, scale });
    const c = inShape[inShape.length - 1];
    const weights = bnWeights(rng, c, center, scale);
    const idx = (n) => weights.findIndex((w) => w.name === n);
    const spec = { layer, inputs: [X(rng, inShape, inLo, inHi)], weights, training };
    const pick = (ws, n) => (idx(n) >= 0 ? ws[idx(n)] : null);
    if (!training) {
      if (!center || !scale) {
        spec.forward = (xs, ws) => K.bnInference(xs[0], pick(ws, 'gamma'), pick(ws, 'beta'), pick(ws, 'moving_mean'), pick(ws, 'moving_variance'), epsilon);
        spec.reference = 'tfjs ops: tf.js BatchNormalization throws when a gradient is taken with scale=false or center=false ' +
          '(deviation 4); implemented as y = (x-moving_mean)/sqrt(moving_variance+eps)*gamma+beta with plain tf ops';
        spec.sanity = [{ what: 'vs tf.layers BatchNormalization inference forward', ref: (xs) => { setLayerWeights(name, layer, weights); return layer.apply(xs[0]); } }];
        spec.demo = nativeGradDemo('BN gradient with scale/center false', layer, {});
      } else {
        spec.sanity = [{ what: 'vs plain-op BN inference', ref: (xs, ws) => K.bnInference(xs[0], pick(ws, 'gamma'), pick(ws, 'beta'), pick(ws, 'moving_mean'), pick(ws, 'moving_variance'), epsilon) }];
      }
    } else {
      spec.forward = (xs, ws) => K.bnTraining(xs[0], pick(ws, 'gamma'), pick(ws, 'beta'), epsilon).y;
      spec.reference = `tfjs ops: BatchNormalization training mode (momentum ${momentum}, epsilon ${epsilon}) with plain tf ops: ` +
        'batch mean and biased batch variance over all axes but the last, gradient through the batch statistics; ' +
        'updated moving_mean = moving_mean*momentum + batch_mean*(1-momentum), moving_variance likewise with the BIASED ' +
        'batch variance (Keras 3 / non-fused Keras 2; Keras 2 fused_batch_norm on 4-D input updates with the Bessel-corrected ' +
        'variance n/(n-1)*var instead)';
      spec.updated = (xs, ws) => {
        const { mean, variance } = K.bnTraining(xs[0], null, null, epsilon);
        const m = mean.dataSync(), v = variance.dataSync();
        const mm = weights[idx('moving_mean')].data, mv = weights[idx('moving_variance')].data;
        return [
          { name: 'moving_mean', shape: [c], data: Float32Array.from(mm, (a, i) => a * momentum + m[i] * (1 - momentum)) },
          { name: 'moving_variance', shape: [c], data: Float32Array.from(mv, (a, i) => a * momentum + v[i] * (1 - momentum)) },
        ];
      };
      if (scale && center) {
        spec.sanity = [{
          what: 'vs tf.layers BatchNormalization training forward',
          ref: (xs) => { setLayerWeights(name, layer, weights); return layer.apply(xs[0], { training: true }); },
          tol: 1e-4,
        }];
      } else {
        spec.demoWhat = 'tf.js BN training forward with scale/center false';
        spec.reference += '; tf.js BatchNormalization training forward itself throws with scale/center false';
      }
      spec.demo = (xs) => {
        setLayerWeights(name, layer, weights);
        layer.apply(xs[0], { training: true });
        const got = layer.getWeights().slice(-2).map((t) => t.dataSync());
        const ours = spec.updated(xs).map((u) => u.data);
        return {
          what: 'tf.js BN training moving-stat update',
          result: `moving_mean rel diff ${relDiff(got[0], ours[0]).toExponential(2)}, moving_variance rel diff ${relDiff(got[1], ours[1]).toExponential(2)}`,
        };
      };
    }
    return spec;
  });
}
bnCase('batchnorm_inference_default', { inShape: [2, 7, 5, 4] });
bnCase('batchnorm_inference_eps1e-5', { inShape: [2, 7, 5, 4], epsilon: 1e-5 });
bnCase('batchnorm_inference_eps1e-3_m0.9', { inShape: [2, 7, 5, 4], epsilon: 1e-3, momentum: 0.9 });
bnCase('batchnorm_inference_scale_false', { inShape: [2, 7, 5, 4], scale: false });
bnCase('batchnorm_inference_center_false', { inShape: [2, 7, 5, 4], center: false });
bnCase('batchnorm_inference_scale_center_false', { inShape: [2, 7, 5, 4], scale: false, center: false, epsilon: 1e-5 });
bnCase('batchnorm_inference_2d', { inShape: [2, 6] });
bnCase('batchnorm_training_m0.99', { inShape: [2, 7, 5, 4], momentum: 0.99, training: true, inLo: -1, inHi: 2 });
bnCase('batchnorm_training_m0.9_eps1e-5', { inShape: [2, 7, 5, 3], momentum: 0.9, epsilon: 1e-5, training: true });
bnCase('batchnorm_training_scale_false', { inShape: [2, 7, 5, 3], momentum: 0.9, scale: false, training: true });
bnCase('batchnorm_training_center_false', { inShape: [2, 7, 5, 3], momentum: 0.99, center: false, training: true });
bnCase('batchnorm_training_2d', { inShape: [4, 6], momentum: 0.9, training: true });

// ---- Pooling --------------------------------------------------------------------------------
function poolCase(name, { kind, inShape, pool, strides, padding }) {
  layerCase(name, (rng) => {
    const args = { name, poolSize: pool, strides, padding };
    const layer = kind === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    const spec = { layer, inputs: [X(rng, inShape)] };
    if (kind === 'avg') {
      spec.forward = (xs) => K.avgPool(xs[0], pool, strides, padding);
      spec.reference = 'tfjs ops: average pooling as sum-pool / count-pool (sum-pool = zero-pad with TF same padding + valid ' +
        'avgPool * window area; count-pool = the same op on ones), so the divisor excludes padded cells in forward AND ' +
        'gradient (deviation 3: tf.js avgPool same gradient divides by the full window)';
      spec.sanity = [{ what: 'vs tf.layers AveragePooling2D forward', ref: (xs) => layer.apply(xs[0]) }];
      spec.demo = nativeGradDemo('AveragePooling2D gradient', layer, {});
    }
    return spec;
  });
}
for (const kind of ['max', 'avg']) {
  const L = kind === 'max' ? 'maxpool' : 'avgpool';
  poolCase(`${L}_2_s2_valid`, { kind, inShape: [2, 7, 5, 3], pool: [2, 2], strides: [2, 2], padding: 'valid' });
  poolCase(`${L}_2_s2_same`, { kind, inShape: [2, 7, 5, 3], pool: [2, 2], strides: [2, 2], padding: 'same' });
  poolCase(`${L}_3_s2_same_13x11`, { kind, inShape: [2, 13, 11, 3], pool: [3, 3], strides: [2, 2], padding: 'same' });
  poolCase(`${L}_3_s2_same_33x29`, { kind, inShape: [2, 33, 29, 2], pool: [3, 3], strides: [2, 2], padding: 'same' });
  poolCase(`${L}_3_s2_valid_13x11`, { kind, inShape: [2, 13, 11, 3], pool: [3, 3], strides: [2, 2], padding: 'valid' });
  poolCase(`${L}_3_s1_same`, { kind, inShape: [2, 7, 5, 3], pool: [3, 3], strides: [1, 1], padding: 'same' });
  poolCase(`${L}_3x2_s1x2_same`, { kind, inShape: [2, 7, 5, 3], pool: [3, 2], strides: [1, 2], padding: 'same' });
  poolCase(`${L}_3x2_s1x2_valid`, { kind, inShape: [2, 7, 5, 3], pool: [3, 2], strides: [1, 2], padding: 'valid' });
}

function globalCase(name, { kind, keepdims, inShape, ties = false }) {
  layerCase(name, (rng) => {
    const layer = kind === 'max' ? tf.layers.globalMaxPooling2d({ name }) : tf.layers.globalAveragePooling2d({ name });
    let inp = X(rng, inShape);
    if (ties) { // relu of values rounded to a few levels: many tied maxima per channel
      inp = { shape: inShape, data: Float32Array.from(inp.data, (v) => Math.max(0, Math.round(v * 1.2)) * 0.5) };
    }
    const spec = {
      layer, inputs: [inp],
      configPatch: (c) => { c.keepdims = keepdims; },
      forward: (xs) => (kind === 'max' ? K.globalMax(xs[0], keepdims) : K.globalAvg(xs[0], keepdims)),
      sanity: [{ what: 'vs tf.layers global pooling forward (reshaped)', ref: (xs) => layer.apply(xs[0]).reshape(keepdims ? [inShape[0], 1, 1, inShape[3]] : [inShape[0], inShape[3]]) }],
    };
    const notes = [];
    if (keepdims) notes.push('keepdims=True is dropped by tf.js (deviation 5): output reshaped to (N,1,1,C)');
    if (kind === 'max') notes.push('gradient shared equally among tied maxima as TensorFlow\'s reduce_max gradient does (grad = mask/count * dy; deviation 8: tf.js gives each tied maximum the full gradient)');
    spec.reference = notes.length ? 'tfjs ops: ' + notes.join('; ') : 'tfjs ops: mean over H,W (same as tf.layers)';
    if (ties) {
      spec.fdSkip = 'input has tied maxima (max is not differentiable there); gradient checked against mask/count instead';
      spec.extraWhat = 'tied-max gradient == R/count on each maximum';
      spec.extraCheck = ({ inputs, R, gradData }) => {
        const [n, h, w, c] = inShape; const x = inputs[0].data; const g = gradData[0];
        let tiedChannels = 0;
        for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) {
          let m = -Infinity; for (let i = 0; i < h * w; i++) m = Math.max(m, x[(b * h * w + i) * c + ch]);
          let cnt = 0; for (let i = 0; i < h * w; i++) if (x[(b * h * w + i) * c + ch] === m) cnt++;
          if (cnt > 1) tiedChannels++;
          const r = R[b * c + ch];
          for (let i = 0; i < h * w; i++) {
            const k = (b * h * w + i) * c + ch;
            const want = x[k] === m ? r / cnt : 0;
            if (Math.abs(g[k] - want) > 1e-6) return `tie grad wrong at ${k}: ${g[k]} vs ${want}`;
          }
        }
        if (tiedChannels < n * c) return `only ${tiedChannels} channels have ties`;
        return null;
      };
      spec.demo = nativeGradDemo('GlobalMaxPooling2D tied-max gradient', layer, {});
    }
    return spec;
  });
}
globalCase('global_avgpool', { kind: 'avg', keepdims: false, inShape: [2, 7, 5, 4] });
globalCase('global_avgpool_keepdims', { kind: 'avg', keepdims: true, inShape: [2, 7, 5, 4] });
globalCase('global_maxpool', { kind: 'max', keepdims: false, inShape: [2, 7, 5, 4] });
globalCase('global_maxpool_keepdims', { kind: 'max', keepdims: true, inShape: [2, 7, 5, 4] });
globalCase('global_maxpool_ties', { kind: 'max', keepdims: false, inShape: [2, 5, 4, 4], ties: true });
globalCase('global_maxpool_ties_keepdims', { kind: 'max', keepdims: true, inShape: [2, 5, 4, 3], ties: true });

// ---- Dense ----------------------------------------------------------------------------------
function denseCase(name, { inShape, units, useBias = true, activation = 'linear' }) {
  layerCase(name, (rng) => {
    const layer = tf.layers.dense({ name, units, useBias, activation });
    const weights = [W.kernel(rng, [inShape[inShape.length - 1], units])];
    if (useBias) weights.push(W.bias(rng, units));
    return {
      layer, inputs: [X(rng, inShape)], weights,
      sanity: [{
        what: 'vs matmul on last axis',
        ref: (xs, ws) => {
          const x = xs[0]; const cin = inShape[inShape.length - 1];
          let y = tf.matMul(x.reshape([-1, cin]), ws[0]);
          if (useBias) y = y.add(ws[1]);
          return K.activation(activation, y.reshape([...inShape.slice(0, -1), units]));
        },
      }],
    };
  });
}
denseCase('dense_linear', { inShape: [2, 7], units: 5 });
denseCase('dense_relu', { inShape: [2, 7], units: 5, activation: 'relu' });
denseCase('dense_softmax', { inShape: [2, 7], units: 5, activation: 'softmax' });
denseCase('dense_nobias', { inShape: [2, 7], units: 5, useBias: false });
denseCase('dense_4d_input', { inShape: [2, 3, 4, 6], units: 5 });

// ---- Shape / merge layers -------------------------------------------------------------------
function simple(name, mk, inShapes, extra = {}) {
  layerCase(name, (rng) => ({ layer: mk(name), inputs: inShapes.map((s) => X(rng, s)), ...extra }));
}
simple('flatten', (n) => tf.layers.flatten({ name: n }), [[2, 5, 4, 3]]);
simple('reshape_20x3', (n) => tf.layers.reshape({ name: n, targetShape: [20, 3] }), [[2, 5, 4, 3]]);
simple('reshape_minus1', (n) => tf.layers.reshape({ name: n, targetShape: [5, -1] }), [[2, 5, 4, 3]]);
simple('dropout_0.5', (n) => tf.layers.dropout({ name: n, rate: 0.5 }), [[2, 5, 4, 3]], { reference: 'tfjs layers (inference: identity)' });
layerCase('spatial_dropout2d_0.5', (rng) => ({
  class_name: 'SpatialDropout2D',
  config: { name: 'spatial_dropout2d_0.5', trainable: true, dtype: 'float32', rate: 0.5, noise_shape: null, seed: null, data_format: 'channels_last' },
  inputs: [X(rng, [2, 5, 4, 3])],
  forward: (xs) => tf.clone(xs[0]),
  reference: 'hand-written: SpatialDropout2D does not exist in tf.js; inference = identity',
}));
simple('zero_padding2d_sym', (n) => tf.layers.zeroPadding2d({ name: n, padding: [[1, 1], [1, 1]] }), [[2, 5, 4, 3]]);
simple('zero_padding2d_asym', (n) => tf.layers.zeroPadding2d({ name: n, padding: [[1, 2], [0, 3]] }), [[2, 5, 4, 3]]);
simple('cropping2d', (n) => tf.layers.cropping2D({ name: n, cropping: [[1, 0], [2, 1]] }), [[2, 5, 6, 3]]);
function upCase(name, size) {
  layerCase(name, (rng) => {
    const layer = tf.layers.upSampling2d({ name, size });
    return {
      layer, inputs: [X(rng, [2, 5, 4, 3])],
      forward: (xs) => K.upsample(xs[0], size[0], size[1]),
      reference: 'tfjs ops: nearest UpSampling2D as reshape+tile (tf.js resizeNearestNeighbor gradient on the cpu backend ' +
        'reads dy at the wrong batch offset (uses the input batch stride), so it is wrong for batch > 1)',
      sanity: [{ what: 'vs tf.layers UpSampling2D forward', ref: (xs) => layer.apply(xs[0]) }],
      demo: nativeGradDemo('UpSampling2D gradient (batch 2)', layer, {}),
    };
  });
}
upCase('upsampling2d_2', [2, 2]);
upCase('upsampling2d_2x3', [2, 3]);
simple('add_2', (n) => tf.layers.add({ name: n }), [[2, 5, 4, 3], [2, 5, 4, 3]]);
simple('add_3', (n) => tf.layers.add({ name: n }), [[2, 5, 4, 3], [2, 5, 4, 3], [2, 5, 4, 3]]);
simple('multiply_2', (n) => tf.layers.multiply({ name: n }), [[2, 5, 4, 3], [2, 5, 4, 3]]);
simple('multiply_3', (n) => tf.layers.multiply({ name: n }), [[2, 5, 4, 3], [2, 5, 4, 3], [2, 5, 4, 3]]);
simple('concatenate_axis_-1', (n) => tf.layers.concatenate({ name: n, axis: -1 }), [[2, 5, 4, 3], [2, 5, 4, 2]]);
simple('concatenate_axis_1', (n) => tf.layers.concatenate({ name: n, axis: 1 }), [[2, 5, 4, 3], [2, 2, 4, 3]]);
simple('concatenate_axis_2', (n) => tf.layers.concatenate({ name: n, axis: 2 }), [[2, 5, 4, 3], [2, 5, 3, 3], [2, 5, 1, 3]]);
// Keras merges broadcast inputs of one rank: EfficientNet's and MobileNetV3's squeeze-and-excitation
// gate (N,1,1,C) scales a feature map (N,H,W,C); the gate's gradient sums over H and W
layerCase('multiply_broadcast_se', (rng) => ({
  class_name: 'Multiply', config: { name: 'multiply_broadcast_se', trainable: true, dtype: 'float32' },
  inputs: [X(rng, [2, 5, 4, 3]), X(rng, [2, 1, 1, 3])],
  forward: (xs) => tf.mul(xs[0], xs[1]),
  reference: 'tfjs ops: tf.mul broadcasting the (2,1,1,3) gate over the (2,5,4,3) map',
  sanity: [{ what: 'vs the gate tiled to the map\'s shape', ref: (xs) => tf.mul(xs[0], tf.tile(xs[1], [1, 5, 4, 1])) }],
}));
// EfficientNet's per-channel Rescaling (1/sqrt(stddev) of each RGB channel)
layerCase('rescaling_per_channel', (rng) => ({
  class_name: 'Rescaling',
  config: { name: 'rescaling_per_channel', trainable: true, dtype: 'float32', scale: [2.0897, 2.1129, 2.1082], offset: 0.25 },
  inputs: [X(rng, [2, 5, 4, 3])],
  forward: (xs) => xs[0].mul(tf.tensor([2.0897, 2.1129, 2.1082])).add(0.25),
  reference: 'tfjs ops: x * scale (one value per channel, broadcast over the last axis) + offset',
}));
// Keras Normalization with adapted statistics stored as weights (EfficientNet): mean, variance and
// the int count (not used at inference): (x - mean) / max(sqrt(variance), 1e-7)
layerCase('normalization_adapted', (rng) => ({
  class_name: 'Normalization',
  config: { name: 'normalization_adapted', trainable: true, dtype: 'float32', axis: [-1], mean: null, variance: null, invert: false },
  inputs: [X(rng, [2, 5, 4, 3], 0, 1)],
  weights: [W.named(rng, 'mean', [3], 0.3, 0.6, false), W.named(rng, 'variance', [3], 0.04, 0.09, false),
    { name: 'count', shape: [], data: Float32Array.of(1000), trainable: false }],
  forward: (xs, ws) => xs[0].sub(ws[0]).div(tf.maximum(ws[1].sqrt(), 1e-7)),
  reference: 'tfjs ops: tf.js has no Normalization layer; (x - mean) / max(sqrt(variance), 1e-7) as keras/src/layers/preprocessing/normalization.py',
}));
layerCase('rescaling', (rng) => ({
  layer: tf.layers.rescaling({ name: 'rescaling', scale: 1 / 127.5, offset: -1 }),
  inputs: [X(rng, [2, 5, 4, 3], 0, 255)],
}));

// ---- Activations ----------------------------------------------------------------------------
const ACT_SHAPE = [2, 5, 4, 3];
// how the activations tf.js lacks are computed (K.activation)
const ACT_FORMULA = { silu: 'x*sigmoid(x)', hard_swish: 'x*relu6(x+3)/6 (Keras 3 hard_silu; MobileNetV3)' };
function actCase(kerasName, tfjsName) {
  const name = 'activation_' + kerasName;
  layerCase(name, (rng) => {
    const inp = X(rng, ACT_SHAPE, -4, 4);
    if (tfjsName) {
      const layer = tf.layers.activation({ name, activation: tfjsName });
      const spec = {
        layer, inputs: [inp],
        sanity: [{ what: 'vs plain-op ' + kerasName, ref: (xs) => K.activation(kerasName, xs[0]), tol: 1e-5 }],
      };
      if (kerasName === 'hard_sigmoid') spec.reference = 'tfjs layers: hard_sigmoid = Keras 2 definition clip(0.2*x+0.5, 0, 1) (Keras 3 uses relu6(x+3)/6)';
      if (kerasName === 'softmax') spec.reference = 'tfjs layers: softmax over the last axis';
      if (kerasName === 'swish') spec.reference = 'tfjs layers: swish(x) = x*sigmoid(x)';
      return spec;
    }
    return {
      class_name: 'Activation', config: { name, trainable: true, dtype: 'float32', activation: kerasName },
      inputs: [inp], forward: (xs) => K.activation(kerasName, xs[0]),
      reference: `tfjs ops: '${kerasName}' is not a tf.js activation; computed as ${ACT_FORMULA[kerasName]}`,
    };
  });
}
actCase('linear', 'linear');
actCase('relu', 'relu');
actCase('relu6', 'relu6');
actCase('elu', 'elu');
actCase('selu', 'selu');
actCase('sigmoid', 'sigmoid');
actCase('hard_sigmoid', 'hardSigmoid');
actCase('tanh', 'tanh');
actCase('softmax', 'softmax');
actCase('softplus', 'softplus');
actCase('swish', 'swish');
actCase('silu', null);
actCase('hard_swish', null);

// ---- ReLU family ----------------------------------------------------------------------------
function reluCase(name, { max_value = null, negative_slope = 0, threshold = 0, lo = -4, hi = 4 }) {
  layerCase(name, (rng) => {
    const inp = X(rng, ACT_SHAPE, lo, hi);
    const args = { max_value, negative_slope, threshold };
    const spec = {
      class_name: 'ReLU',
      config: { name, trainable: true, dtype: 'float32', max_value, negative_slope, threshold },
      inputs: [inp],
      forward: (xs) => K.relu(xs[0], args),
      reference: 'tfjs ops: Keras backend.relu: y = max_value if x >= max_value; x if threshold <= x < max_value; ' +
        'negative_slope*(x-threshold) if x < threshold (tf.js ReLU ignores negative_slope and threshold, deviation 5)',
      sanity: [{
        what: 'vs elementwise JS Keras ReLU formula',
        ref: (xs) => tf.tensor(Float32Array.from(xs[0].dataSync(), (x) => {
          if (max_value !== null && x >= max_value) return max_value;
          if (x >= threshold) return x;
          return negative_slope * (x - threshold);
        }), xs[0].shape),
      }],
    };
    if (negative_slope === 0 && threshold === 0) {
      spec.sanity.push({ what: 'vs tf.layers.reLU', ref: (xs) => tf.layers.reLU(max_value === null ? {} : { maxValue: max_value }).apply(xs[0]) });
    }
    return spec;
  });
}
reluCase('relu_layer_default', {});
reluCase('relu_layer_max_value_6', { max_value: 6, lo: -8, hi: 8 });
reluCase('relu_layer_negative_slope_0.1', { negative_slope: 0.1 });
reluCase('relu_layer_threshold_0.5', { threshold: 0.5 });
reluCase('relu_layer_all', { max_value: 6, negative_slope: 0.1, threshold: 0.5, lo: -8, hi: 8 });
layerCase('leaky_relu_0.3', (rng) => ({
  layer: tf.layers.leakyReLU({ name: 'leaky_relu_0.3', alpha: 0.3 }),
  inputs: [X(rng, ACT_SHAPE, -4, 4)],
  sanity: [{ what: 'vs max(x,0.3x)', ref: (xs) => tf.maximum(xs[0], xs[0].mul(0.3)) }],
}));
layerCase('prelu', (rng) => ({
  layer: tf.layers.prelu({ name: 'prelu' }),
  inputs: [X(rng, ACT_SHAPE, -4, 4)],
  weights: [W.named(rng, 'alpha', ACT_SHAPE.slice(1), 0, 0.5)],
}));
layerCase('prelu_shared_axes_1_2', (rng) => ({
  layer: tf.layers.prelu({ name: 'prelu_shared_axes_1_2', sharedAxes: [1, 2] }),
  inputs: [X(rng, ACT_SHAPE, -4, 4)],
  weights: [W.named(rng, 'alpha', [1, 1, ACT_SHAPE[3]], 0, 0.5)],
}));
layerCase('elu_layer_alpha_0.7', (rng) => ({
  class_name: 'ELU', config: { name: 'elu_layer_alpha_0.7', trainable: true, dtype: 'float32', alpha: 0.7 },
  inputs: [X(rng, ACT_SHAPE, -4, 4)],
  forward: (xs) => K.eluAlpha(xs[0], 0.7),
  reference: 'tfjs ops: tf.js ELU layer refuses alpha != 1; y = x if x > 0 else alpha*(exp(x)-1)',
}));
layerCase('softmax_layer_axis_-1', (rng) => ({
  layer: tf.layers.softmax({ name: 'softmax_layer_axis_-1', axis: -1 }),
  inputs: [X(rng, ACT_SHAPE, -4, 4)],
  sanity: [{ what: 'vs tf.softmax', ref: (xs) => tf.softmax(xs[0], -1) }],
}));

// ---------------------------------------------------------------------------------------------
// Loss cases.
// ---------------------------------------------------------------------------------------------
const EPS = 1e-7;
function kerasLoss(loss, fromLogits, yTrue, yPred, nClasses) {
  // returns per-batch mean loss tensor (scalar)
  let target = yTrue;
  if (loss === 'sparse_categorical_crossentropy') target = tf.oneHot(tf.cast(yTrue, 'int32'), nClasses).toFloat();
  let per;
  if (fromLogits) {
    per = tf.neg(tf.sum(target.mul(tf.logSoftmax(yPred, -1)), -1));
  } else if (loss === 'categorical_crossentropy') {
    const p = tf.clipByValue(yPred.div(tf.sum(yPred, -1, true)), EPS, 1 - EPS);
    per = tf.neg(tf.sum(target.mul(tf.log(p)), -1));
  } else { // sparse from probabilities: clip, log, then sparse softmax cross-entropy (Keras TF backend)
    const logits = tf.log(tf.clipByValue(yPred, EPS, 1 - EPS));
    per = tf.neg(tf.sum(target.mul(tf.logSoftmax(logits, -1)), -1));
  }
  return tf.mean(per);
}

const lossCases = [];
function lossCase(name, loss, fromLogits, gen) { lossCases.push({ name, loss, fromLogits, gen }); }
const B = 4, C = 5;
function softLabels(rng) {
  const raw = rng.uniform([B, C], 0, 1);
  for (let b = 0; b < B; b++) {
    let s = 0; for (let c = 0; c < C; c++) s += raw[b * C + c];
    for (let c = 0; c < C; c++) raw[b * C + c] /= s;
  }
  return raw;
}
function oneHotLabels(rng) {
  const a = new Float32Array(B * C); for (let b = 0; b < B; b++) a[b * C + rng.int(C)] = 1; return a;
}
function sparseLabels(rng) { return Float32Array.from({ length: B }, () => rng.int(C)); }
lossCase('cce_probs_soft', 'categorical_crossentropy', false, (rng) => ({ yt: softLabels(rng), ts: [B, C], yp: rng.uniform([B, C], 0.05, 1) }));
lossCase('cce_probs_onehot', 'categorical_crossentropy', false, (rng) => ({ yt: oneHotLabels(rng), ts: [B, C], yp: rng.uniform([B, C], 0.05, 1) }));
lossCase('cce_logits_soft', 'categorical_crossentropy', true, (rng) => ({ yt: softLabels(rng), ts: [B, C], yp: rng.uniform([B, C], -3, 3) }));
lossCase('cce_logits_onehot', 'categorical_crossentropy', true, (rng) => ({ yt: oneHotLabels(rng), ts: [B, C], yp: rng.uniform([B, C], -3, 3) }));
lossCase('scce_probs', 'sparse_categorical_crossentropy', false, (rng) => ({ yt: sparseLabels(rng), ts: [B], yp: rng.uniform([B, C], 0.05, 1) }));
lossCase('scce_probs_normalized', 'sparse_categorical_crossentropy', false, (rng) => {
  const l = rng.uniform([B, C], -2, 2); const p = tf.softmax(tf.tensor(l, [B, C])).dataSync().slice();
  return { yt: sparseLabels(rng), ts: [B], yp: p };
});
lossCase('scce_logits', 'sparse_categorical_crossentropy', true, (rng) => ({ yt: sparseLabels(rng), ts: [B], yp: rng.uniform([B, C], -3, 3) }));

function runLossCase({ name, loss, fromLogits, gen }) {
  const rng = new Rng(fnv1a('loss:' + name));
  const { yt, ts, yp } = gen(rng);
  const dir = path.join(OUT, 'losses', name);
  const ytT = tf.tensor(yt, ts);
  const ypV = tf.variable(tf.tensor(yp, [B, C]));
  const fwd = () => kerasLoss(loss, fromLogits, ytT, ypV, C);
  const { value, grads } = tf.variableGrads(fwd, [ypV]);
  const lossValue = value.dataSync()[0];
  const g = grads[ypV.name].dataSync().slice();
  // independent double-precision JS reference of the value
  let ref = 0;
  for (let b = 0; b < B; b++) {
    const row = Array.from(yp.slice(b * C, b * C + C));
    const tgt = ts.length === 1 ? row.map((_, c) => (c === yt[b] ? 1 : 0)) : Array.from(yt.slice(b * C, b * C + C));
    let logp;
    if (fromLogits) {
      const m = Math.max(...row); const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      logp = row.map((v) => v - lse);
    } else if (loss === 'categorical_crossentropy') {
      const s = row.reduce((a, v) => a + v, 0); logp = row.map((v) => Math.log(Math.min(Math.max(v / s, EPS), 1 - EPS)));
    } else {
      const cl = row.map((v) => Math.min(Math.max(v, EPS), 1 - EPS)); const s = cl.reduce((a, v) => a + v, 0); logp = cl.map((v) => Math.log(v / s));
    }
    ref -= tgt.reduce((a, t, c) => a + t * logp[c], 0) / B;
  }
  const vd = Math.abs(ref - lossValue) / Math.abs(ref);
  table.push({ kind: 'sanity', name, what: 'loss value vs float64 JS', err: vd, ok: vd < 1e-5 });
  if (!(vd < 1e-5)) fail(name, `loss value ${lossValue} vs double ${ref}`);
  // FD: the loss itself is the scalar; use R = [1]
  const fwd1 = () => fwd().reshape([1]);
  let worst = 0, n = 0, hmin = Infinity;
  for (const r of fdCheck('y_pred', fwd1, [1], ypV, g, rng)) {
    n++; worst = Math.max(worst, r.err); hmin = Math.min(hmin, r.h);
    if (!(r.err <= FD_TOL)) fail(name, `FD dir ${r.dir}: ${r.an} vs ${r.fd} rel ${r.err}`);
  }
  table.push({ kind: 'loss', name, checks: n, worst, ok: worst <= FD_TOL, hmin });
  fs.rmSync(dir, { recursive: true, force: true });
  writeJson(path.join(dir, 'case.json'), {
    name, loss, from_logits: fromLogits,
    y_true: { file: writeNpy(dir, 'y_true.npy', ts, yt), shape: ts },
    y_pred: { file: writeNpy(dir, 'y_pred.npy', [B, C], yp), shape: [B, C] },
    loss_value: lossValue,
    grad_y_pred: { file: writeNpy(dir, 'grad_y_pred.npy', [B, C], g) },
    reference: fromLogits ? 'mean over batch of -sum(y_true*log_softmax(y_pred))' :
      loss === 'categorical_crossentropy' ? 'Keras: p = y_pred/sum(y_pred,-1); p = clip(p,1e-7,1-1e-7); mean over batch of -sum(y_true*log p)' :
        'Keras TF backend: logits = log(clip(y_pred,1e-7,1-1e-7)); mean over batch of sparse_softmax_cross_entropy(labels, logits) (i.e. renormalized after clipping)',
  });
  ypV.dispose();
}

// ---------------------------------------------------------------------------------------------
// Graph cases: small functional models. net(x, hook) is used both symbolically (to build the
// tf.model and its Keras JSON) and eagerly (hook adds a zero "delta" at the tap to get dL/dtap).
// ---------------------------------------------------------------------------------------------
const graphCases = [];
function graphCase(name, spec) { graphCases.push({ name, spec }); }

graphCase('residual_block', {
  inShape: [2, 9, 7, 4], tap: 'res_add',
  layers: () => ({
    c1: tf.layers.conv2d({ name: 'res_conv1', filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
    bn1: tf.layers.batchNormalization({ name: 'res_bn1' }),
    r1: tf.layers.activation({ name: 'res_relu1', activation: 'relu' }),
    c2: tf.layers.conv2d({ name: 'res_conv2', filters: 4, kernelSize: 3, padding: 'same' }),
    bn2: tf.layers.batchNormalization({ name: 'res_bn2', epsilon: 1.001e-5 }),
    add: tf.layers.add({ name: 'res_add' }),
    r2: tf.layers.activation({ name: 'res_out_relu', activation: 'relu' }),
  }),
  net: (L, x, hook) => {
    let y = hook('res_relu1', L.r1.apply(L.bn1.apply(L.c1.apply(x))));
    y = L.bn2.apply(L.c2.apply(y));
    const a = hook('res_add', L.add.apply([y, x]));
    return L.r2.apply(a);
  },
});
graphCase('xception_block', {
  inShape: [2, 11, 9, 4], tap: 'xc_add',
  layers: () => ({
    s1: tf.layers.separableConv2d({ name: 'xc_sep1', filters: 6, kernelSize: 3, padding: 'same', useBias: false }),
    b1: tf.layers.batchNormalization({ name: 'xc_sep1_bn' }),
    r1: tf.layers.activation({ name: 'xc_sep2_act', activation: 'relu' }),
    s2: tf.layers.separableConv2d({ name: 'xc_sep2', filters: 6, kernelSize: 3, padding: 'same', useBias: false }),
    b2: tf.layers.batchNormalization({ name: 'xc_sep2_bn' }),
    mp: tf.layers.maxPooling2d({ name: 'xc_pool', poolSize: 3, strides: 2, padding: 'same' }),
    sc: tf.layers.conv2d({ name: 'xc_shortcut', filters: 6, kernelSize: 1, strides: 2, padding: 'same', useBias: false }),
    sb: tf.layers.batchNormalization({ name: 'xc_shortcut_bn' }),
    add: tf.layers.add({ name: 'xc_add' }),
    r2: tf.layers.activation({ name: 'xc_out_act', activation: 'relu' }),
  }),
  net: (L, x, hook) => {
    const res = L.sb.apply(L.sc.apply(x));
    let y = L.r1.apply(L.b1.apply(L.s1.apply(x)));
    y = L.mp.apply(L.b2.apply(L.s2.apply(y)));
    const a = hook('xc_add', L.add.apply([y, res]));
    return L.r2.apply(a);
  },
});
graphCase('concat_gap_dense', {
  inShape: [2, 9, 7, 3], tap: 'cg_concat',
  layers: () => ({
    a: tf.layers.conv2d({ name: 'cg_branch_1x1', filters: 4, kernelSize: 1, activation: 'relu' }),
    b: tf.layers.conv2d({ name: 'cg_branch_3x3', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
    cat: tf.layers.concatenate({ name: 'cg_concat', axis: -1 }),
    gap: tf.layers.globalAveragePooling2d({ name: 'cg_gap' }),
    d: tf.layers.dense({ name: 'cg_dense', units: 5, activation: 'softmax' }),
  }),
  net: (L, x, hook) => {
    const c = hook('cg_concat', L.cat.apply([L.a.apply(x), L.b.apply(x)]));
    return L.d.apply(L.gap.apply(c));
  },
});

function graphWeightInit(rng, lname, wname, shape) {
  switch (wname) {
    case 'gamma': return rng.uniform(shape, 0.7, 1.3);
    case 'beta': case 'bias': return rng.uniform(shape, -0.3, 0.3);
    case 'moving_mean': return rng.uniform(shape, -0.3, 0.3);
    case 'moving_variance': return rng.uniform(shape, 0.5, 1.5);
    default: return lname.endsWith('dense') ? rng.uniform(shape, -2, 2) : rng.uniform(shape, -0.5, 0.5);
  }
}

function runGraphCase({ name, spec }) {
  const rng = new Rng(fnv1a('graph:' + name));
  const dir = path.join(OUT, 'graphs', name);
  const L = spec.layers();
  const inp = tf.input({ shape: spec.inShape.slice(1), name: name + '_input' });
  const symOut = spec.net(L, inp, (n, t) => t);
  const model = tf.model({ inputs: inp, outputs: symOut, name });
  const modelJson = model.toJSON(null, false);

  // weights, per layer in model order, Keras order
  const weightsMeta = [];
  fs.rmSync(dir, { recursive: true, force: true });
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const vals = layer.weights.map((w) => {
      const wn = w.originalName.split('/').pop();
      const data = graphWeightInit(rng, layer.name, wn, w.shape);
      weightsMeta.push({ layer: layer.name, name: wn, file: writeNpy(dir, `${layer.name}__${wn}.npy`, w.shape, data), shape: w.shape });
      return tf.tensor(data, w.shape);
    });
    layer.setWeights(vals);
  }

  const xData = rng.uniform(spec.inShape, -1, 1);
  const xV = tf.variable(tf.tensor(xData, spec.inShape));
  // eager pass to find the tap shape
  let tapShape = null, tapOut = null;
  const probe = spec.net(L, xV, (n, t) => { if (n === spec.tap) { tapShape = t.shape; tapOut = t.dataSync().slice(); } return t; });
  if (!tapShape) throw new Error(name + ': tap not hit');
  const outShape = probe.shape; const out = probe.dataSync().slice();
  const pred = model.predict(tf.tensor(xData, spec.inShape));
  const dPred = relDiff(pred.dataSync(), out);
  table.push({ kind: 'sanity', name, what: 'eager net vs model.predict', err: dPred, ok: dPred < 1e-6 });
  if (!(dPred < 1e-6)) fail(name, 'eager net differs from model.predict: ' + dPred);
  // tap output vs a sub-model ending at the tap layer
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(spec.tap).output });
  const dTap = relDiff(sub.predict(tf.tensor(xData, spec.inShape)).dataSync(), tapOut);
  table.push({ kind: 'sanity', name, what: 'tap output vs sub-model', err: dTap, ok: dTap < 1e-6 });
  if (!(dTap < 1e-6)) fail(name, 'tap output differs from sub-model: ' + dTap);

  const R = rng.uniform(outShape, -1, 1);
  const Rt = tf.tensor(R, outShape);
  const delta = tf.variable(tf.zeros(tapShape));
  const fwd = () => spec.net(L, xV, (n, t) => (n === spec.tap ? t.add(delta) : t));
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(fwd(), Rt)), [xV, delta]);
  value.dispose();
  const gx = grads[xV.name].dataSync().slice();
  const gt = grads[delta.name].dataSync().slice();
  let worst = 0, n = 0, hmin = Infinity;
  for (const [lab, v, g] of [['input_0', xV, gx], ['tap', delta, gt]]) {
    for (const r of fdCheck(lab, fwd, R, v, g, rng)) {
      n++; worst = Math.max(worst, r.err); hmin = Math.min(hmin, r.h);
      if (!(r.err <= FD_TOL)) fail(name, `FD ${lab} dir ${r.dir}: ${r.an} vs ${r.fd} rel ${r.err}`);
    }
  }
  table.push({ kind: 'graph', name, checks: n, worst, ok: worst <= FD_TOL, hmin });

  writeJson(path.join(dir, 'model.json'), modelJson);
  writeJson(path.join(dir, 'case.json'), {
    name,
    model: 'model.json',
    inputs: [{ file: writeNpy(dir, 'input_0.npy', spec.inShape, xData), shape: spec.inShape }],
    weights: weightsMeta,
    output: { file: writeNpy(dir, 'output.npy', outShape, out), shape: outShape },
    projection: { file: writeNpy(dir, 'projection.npy', outShape, R) },
    tap: spec.tap,
    tap_output: { file: writeNpy(dir, 'tap_output.npy', tapShape, tapOut), shape: tapShape },
    tap_grad: { file: writeNpy(dir, 'tap_grad.npy', tapShape, gt) },
    input_grads: [{ file: writeNpy(dir, 'grad_input_0.npy', spec.inShape, gx) }],
    training: false,
    reference: 'tfjs layers (functional tf.model, inference mode); tap_grad = dL/d(tap output) for L = sum(output*R)',
  });
  model.dispose();
}

// ---------------------------------------------------------------------------------------------
async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error('backend is ' + tf.getBackend());
  const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
  if (!only) for (const d of OWNED_DIRS) fs.rmSync(path.join(OUT, d), { recursive: true, force: true });

  const index = { layers: [], losses: [], graphs: [] };
  for (const c of layerCases) {
    if (only && !only.test(c.name)) continue;
    try { tf.tidy(() => { index.layers.push(runLayerCase(c)); }); } catch (e) { fail(c.name, 'exception: ' + e.stack); }
  }
  for (const c of lossCases) {
    if (only && !only.test(c.name)) continue;
    try { tf.tidy(() => { runLossCase(c); index.losses.push(c.name); }); } catch (e) { fail(c.name, 'exception: ' + e.stack); }
  }
  for (const c of graphCases) {
    if (only && !only.test(c.name)) continue;
    try { tf.tidy(() => { runGraphCase(c); index.graphs.push(c.name); }); } catch (e) { fail(c.name, 'exception: ' + e.stack); }
  }
  if (!only) {
    writeJson(path.join(OUT, 'layers', 'index.json'), index.layers);
    writeJson(path.join(OUT, 'losses', 'index.json'), index.losses);
    writeJson(path.join(OUT, 'graphs', 'index.json'), index.graphs);
  }

  // report
  const pad = (s, n) => String(s).padEnd(n);
  console.log('\n== finite-difference checks (worst relative error over 2 random directions per input/weight) ==');
  console.log(pad('kind', 7) + pad('case', 40) + pad('checks', 8) + pad('worst', 12) + pad('min h', 9) + 'status');
  for (const r of table.filter((t) => ['layer', 'loss', 'graph'].includes(t.kind))) {
    console.log(pad(r.kind, 7) + pad(r.name, 40) + pad(r.checks, 8) + pad(Number.isNaN(r.worst) ? '-' : r.worst.toExponential(2), 12) +
      pad(r.hmin === undefined || r.hmin === Infinity ? '-' : r.hmin, 9) +
      (r.ok ? 'ok' : 'FAIL') + (r.note ? '  (' + r.note + ')' : ''));
  }
  console.log('\n== forward sanity checks (custom ops vs tf.layers / independent refs; max rel diff) ==');
  for (const r of table.filter((t) => ['sanity', 'extra'].includes(t.kind))) {
    console.log(pad(r.name, 40) + pad(r.what, 60) + pad(r.err.toExponential(2), 12) + (r.ok ? 'ok' : 'FAIL'));
  }
  console.log('\n== tf.js deviations observed (informational: native tf.js vs fixed reference) ==');
  for (const d of deviations) console.log(pad(d.name, 40) + pad(d.what, 45) + d.result);
  const fdRows = table.filter((t) => ['layer', 'loss', 'graph'].includes(t.kind));
  const fdWorst = Math.max(...fdRows.filter((r) => !Number.isNaN(r.worst)).map((r) => r.worst));
  console.log(`\nlayers ${index.layers.length}, losses ${index.losses.length}, graphs ${index.graphs.length}; ` +
    `FD checks ${fdRows.reduce((a, r) => a + r.checks, 0)}, worst ${fdWorst.toExponential(2)} (tol ${FD_TOL}); ` +
    `bytes written ${bytesWritten}`);
  if (failures.length) {
    console.error(`\n${failures.length} FAILURE(S):`);
    for (const f of failures) console.error('  ' + f);
    process.exit(1);
  }
  console.log('all checks passed');
}

main().catch((e) => { console.error(e); process.exit(1); });
