// Helpers shared by corpus.js and applications.js (generate.js keeps its own copies).
//
//  * tf: @tensorflow/tfjs 4.22 with the pure-JS cpu backend forced and asserted
//  * fnv1a over UTF-8 bytes, mulberry32, .npy v1.0 writer (<f4) and reader (<f4/<f8)
//  * a Keras-config executor: every layer written with plain tf ops and Keras semantics
//    (TF 'same' padding, BN epsilon, average pooling excluding padding, TensorFlow's
//    reduce_max gradient), evaluated lazily from the outputs so that a node can be
//    overridden by a tensor (d score / d tap = tf.grad of the head with the tap as input).
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const zlib = require('zlib');

const origLog = console.log;
console.log = () => {};
const tf = require('@tensorflow/tfjs');
console.log = origLog;

async function initTf() {
  const [l, w] = [console.log, console.warn];
  console.log = console.warn = () => {}; // the "install tfjs-node" banner
  await tf.setBackend('cpu');
  await tf.ready();
  tf.tensor([0]).dispose(); // the cpu backend prints its banner on the first write
  [console.log, console.warn] = [l, w];
  if (tf.getBackend() !== 'cpu') throw new Error('cpu backend required, got ' + tf.getBackend());
}

// h5wasm is ESM-only; load it through a dynamic import.
let h5wasmP = null;
async function h5() {
  if (!h5wasmP) h5wasmP = import('h5wasm/node').then(async (m) => { const h = m.default || m; await h.ready; return h; });
  return h5wasmP;
}

// ---------------------------------------------------------------------------------------------
// FNV-1a 32 over UTF-8 bytes; mulberry32.
// ---------------------------------------------------------------------------------------------
function fnv1a(str) {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(str, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
function mulberry32(seed) {
  let a = seed | 0;
  return function () {
    a |= 0; a = a + 0x6D2B79F5 | 0;
    let t = Math.imul(a ^ a >>> 15, 1 | a);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function size(shape) { return shape.reduce((a, b) => a * b, 1); }
// uniform(lo,hi) in float32, one draw per element in C order: fround(lo + (hi-lo)*u)
function uniformArray(seedStr, shape, lo = -1, hi = 1) {
  const r = mulberry32(fnv1a(seedStr));
  const a = new Float32Array(size(shape));
  for (let i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * r();
  return a;
}
// random 8-bit image: floor(256*u) per element (H,W,C order), as float32 values 0..255
function imageU8(seedStr, shape) {
  const r = mulberry32(fnv1a(seedStr));
  const a = new Float32Array(size(shape));
  for (let i = 0; i < a.length; i++) a[i] = Math.floor(256 * r());
  return a;
}

// ---------------------------------------------------------------------------------------------
// .npy
// ---------------------------------------------------------------------------------------------
function npyBytes(shape, data) {
  if (data.length !== size(shape)) throw new Error(`npy: ${data.length} values for shape ${shape}`);
  const shp = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shp}, }`;
  const total = 10 + header.length + 1;
  const pad = (64 - (total % 64)) % 64;
  header = header + ' '.repeat(pad) + '\n';
  const buf = Buffer.alloc(10 + header.length + 4 * data.length);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1; buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, 10, 'latin1');
  const f = data instanceof Float32Array ? data : Float32Array.from(data);
  Buffer.from(f.buffer, f.byteOffset, f.byteLength).copy(buf, 10 + header.length);
  return buf;
}
function readNpy(file) {
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not npy: ' + file);
  const major = b[6];
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const header = b.toString('latin1', off, off + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error('fortran order npy: ' + file);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const n = size(shape);
  const data = new Float64Array(n);
  const start = off + hlen;
  if (descr === '<f8') for (let i = 0; i < n; i++) data[i] = b.readDoubleLE(start + 8 * i);
  else if (descr === '<f4') for (let i = 0; i < n; i++) data[i] = b.readFloatLE(start + 4 * i);
  else throw new Error('npy dtype ' + descr);
  return { shape, data, descr };
}

const written = [];
function writeFile(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  written.push({ file, bytes: Buffer.byteLength(content) });
}
function writeNpy(dir, name, shape, data) { writeFile(path.join(dir, name), npyBytes(shape, data)); return name; }
function stringify(v, ind = '') {
  if (Array.isArray(v)) {
    if (v.every((e) => e === null || typeof e !== 'object')) return '[' + v.map((e) => JSON.stringify(e)).join(', ') + ']';
    if (v.length === 0) return '[]';
    return '[\n' + v.map((e) => ind + ' ' + stringify(e, ind + ' ')).join(',\n') + '\n' + ind + ']';
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) return '{}';
    return '{\n' + keys.map((k) => ind + ' ' + JSON.stringify(k) + ': ' + stringify(v[k], ind + ' ')).join(',\n') + '\n' + ind + '}';
  }
  return JSON.stringify(v);
}
function writeJson(file, obj) { writeFile(file, stringify(obj) + '\n'); }
function sha256File(file) { return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'); }

function maxAbs(a) { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; }
function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m;
}
function relDiff(a, b) { return maxAbsDiff(a, b) / Math.max(maxAbs(b), 1e-12); }
function argmax(a, from = 0, n = a.length) { let k = 0; for (let i = 1; i < n; i++) if (a[from + i] > a[from + k]) k = i; return k; }
function topk(a, k) { return Array.from(a, (v, i) => [i, v]).sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, k); }

// ---------------------------------------------------------------------------------------------
// PNG decoder (8-bit RGB/RGBA/gray, non-interlaced; the 5 filter types), Node's zlib only.
// ---------------------------------------------------------------------------------------------
function decodePng(file) {
  const b = fs.readFileSync(file);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!b.subarray(0, 8).equals(sig)) throw new Error('not a PNG: ' + file);
  let off = 8, ihdr = null;
  const idat = [];
  while (off < b.length) {
    const len = b.readUInt32BE(off);
    const type = b.toString('latin1', off + 4, off + 8);
    const data = b.subarray(off + 8, off + 8 + len);
    const crc = b.readUInt32BE(off + 8 + len);
    if (zlib.crc32 && zlib.crc32(b.subarray(off + 4, off + 8 + len)) !== crc) throw new Error(`PNG chunk ${type}: CRC mismatch`);
    off += 12 + len;
    if (type === 'IHDR') ihdr = { w: data.readUInt32BE(0), h: data.readUInt32BE(4), depth: data[8], ctype: data[9], interlace: data[12] };
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
  }
  if (!ihdr) throw new Error('PNG without IHDR');
  const ch = { 0: 1, 2: 3, 6: 4 }[ihdr.ctype];
  if (ihdr.depth !== 8 || !ch || ihdr.interlace !== 0) throw new Error(`PNG: depth ${ihdr.depth} colour type ${ihdr.ctype} interlace ${ihdr.interlace} not supported`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const { w, h } = ihdr;
  const stride = w * ch;
  if (raw.length !== h * (stride + 1)) throw new Error('PNG: inflated size ' + raw.length);
  const out = new Uint8Array(h * stride);
  const filters = [0, 0, 0, 0, 0];
  for (let y = 0; y < h; y++) {
    const ft = raw[y * (stride + 1)];
    filters[ft]++;
    const src = y * (stride + 1) + 1, dst = y * stride, prv = (y - 1) * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= ch ? out[dst + i - ch] : 0;
      const up = y > 0 ? out[prv + i] : 0;
      const c = i >= ch && y > 0 ? out[prv + i - ch] : 0;
      let p;
      switch (ft) {
        case 0: p = 0; break;
        case 1: p = a; break;
        case 2: p = up; break;
        case 3: p = (a + up) >> 1; break;
        case 4: { const pa = Math.abs(up - c), pb = Math.abs(a - c), pc = Math.abs(a + up - 2 * c); p = pa <= pb && pa <= pc ? a : pb <= pc ? up : c; break; }
        default: throw new Error('PNG filter type ' + ft);
      }
      out[dst + i] = (raw[src + i] + p) & 0xff;
    }
  }
  return { w, h, channels: ch, data: out, filters };
}

// ---------------------------------------------------------------------------------------------
// Keras layer semantics with plain tf ops.
// ---------------------------------------------------------------------------------------------
function pair(v) { return Array.isArray(v) ? v : [v, v]; }
function samePad(n, k, s) {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
function dilateKernel(k, dh, dw) {
  const [kh, kw, a, b] = k.shape;
  let t = k;
  if (dh > 1) t = t.reshape([kh, 1, kw, a, b]).pad([[0, 0], [0, dh - 1], [0, 0], [0, 0], [0, 0]]).reshape([kh * dh, kw, a, b]).slice([0, 0, 0, 0], [(kh - 1) * dh + 1, kw, a, b]);
  if (dw > 1) { const H = t.shape[0]; t = t.reshape([H, kw, 1, a, b]).pad([[0, 0], [0, 0], [0, dw - 1], [0, 0], [0, 0]]).reshape([H, kw * dw, a, b]).slice([0, 0, 0, 0], [H, (kw - 1) * dw + 1, a, b]); }
  return t;
}
// Optional backward-rule override for the ReLU family (methods.js: guided backprop / deconvnet).
// null (the default) leaves every op exactly as before. 'guided': dx = max(dy * f'(x), 0);
// 'deconvnet': dx = max(dy, 0). The forward value is always the op's own.
let reluGradMode = null;
function setReluGradMode(mode) {
  if (mode !== null && mode !== 'guided' && mode !== 'deconvnet') throw new Error('relu grad mode ' + mode);
  reluGradMode = mode;
}
// fwd: the forward op (x -> y); deriv: f'(x) as a tensor (only evaluated in the backward pass)
function reluFamily(x, fwd, deriv) {
  if (reluGradMode === null) return fwd(x);
  return reluFamilyWith(reluGradMode, x, fwd, deriv);
}
function reluFamilyWith(mode, x, fwd, deriv) {
  const f = tf.customGrad((xx, save) => {
    save([xx]);
    return { value: fwd(xx), gradFunc: (dy, [xs]) => (mode === 'deconvnet' ? tf.relu(dy) : tf.relu(dy.mul(deriv(xs)))) };
  });
  return f(x);
}
const stepAbove = (t) => tf.cast(tf.greater(t, 0), 'float32');
function activation(name, x, noSoftmax) {
  switch (name || 'linear') {
    case 'linear': return x;
    case 'relu': return reluGradMode === null ? tf.relu(x) : reluFamily(x, tf.relu, stepAbove);
    case 'relu6': return reluGradMode === null ? tf.relu6(x) : reluFamily(x, tf.relu6, relu6Deriv);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'softmax': return noSoftmax ? x : tf.softmax(x, -1);
    case 'softplus': return tf.softplus(x);
    case 'elu': return tf.elu(x);
    case 'selu': return tf.selu(x);
    case 'swish': case 'silu': return x.mul(tf.sigmoid(x));
    case 'hard_sigmoid': return tf.clipByValue(x.mul(0.2).add(0.5), 0, 1);
    default: throw new Error('activation ' + name);
  }
}
function sumPool(x, pool, strides, padding) {
  let t = x;
  if (padding === 'same') t = tf.pad(x, [[0, 0], samePad(x.shape[1], pool[0], strides[0]), samePad(x.shape[2], pool[1], strides[1]), [0, 0]]);
  return tf.avgPool(t, pool, strides, 'valid').mul(pool[0] * pool[1]);
}
// Keras AveragePooling2D: the count excludes padded cells (tf.js's own 'same' gradient is wrong).
function avgPool(x, pool, strides, padding) {
  return sumPool(x, pool, strides, padding).div(sumPool(tf.onesLike(x), pool, strides, padding));
}
// TensorFlow's reduce_max gradient: shared among tied maxima (tf.js gives each the full gradient).
function globalMax(x, keepdims) {
  const f = tf.customGrad((xx, save) => {
    const m = tf.max(xx, [1, 2], true);
    save([xx, m]);
    return { value: m, gradFunc: (dy, [xs, ms]) => { const mask = tf.cast(tf.equal(xs, ms), 'float32'); return mask.div(tf.sum(mask, [1, 2], true)).mul(dy); } };
  });
  const m = f(x);
  return keepdims ? m : m.reshape([x.shape[0], x.shape[3]]);
}
function constMask(x, pred) { return tf.tensor(Float32Array.from(x.dataSync(), (v) => (pred(v) ? 1 : 0)), x.shape); }
const relu6Deriv = (t) => tf.cast(tf.logicalAnd(tf.greater(t, 0), tf.less(t, 6)), 'float32');
function kerasRelu(x, c) {
  const ns = c.negative_slope || 0, th = c.threshold || 0, mv = c.max_value == null ? null : c.max_value;
  if (reluGradMode !== null) {
    // f'(x): 1 on (th, mv), negative_slope below th (TensorFlow: x >= mv -> 0, x > th -> 1)
    const deriv = (t) => {
      let d = tf.cast(tf.greater(t, th), 'float32');
      if (mv !== null) d = d.mul(tf.cast(tf.less(t, mv), 'float32'));
      if (ns !== 0) d = d.add(tf.cast(tf.lessEqual(t, th), 'float32').mul(ns));
      return d;
    };
    const saved = reluGradMode;
    reluGradMode = null; // the forward itself with the ordinary ops
    try { return reluFamilyWith(saved, x, (t) => kerasRelu(t, c), deriv); } finally { reluGradMode = saved; }
  }
  if (ns === 0 && th === 0) {
    if (mv === null) return tf.relu(x);
    if (mv === 6) return tf.relu6(x);
    return tf.clipByValue(tf.relu(x), 0, mv);
  }
  let pos = x.mul(constMask(x, (v) => v > th));
  if (mv !== null) pos = tf.clipByValue(pos, 0, mv);
  if (ns !== 0) pos = pos.sub(tf.relu(tf.neg(x).add(th)).mul(ns));
  return pos;
}

// ---------------------------------------------------------------------------------------------
// Model description used by the executor (Keras 2 layer configs, snake_case):
//   model = {name, nodes: [{name, class_name, config, inbound: [nodeName...], model?: model}],
//            inputs: [nodeName], outputs: [nodeName]}
//   weights: Map path -> {role: tf.Tensor}  (roles: kernel, bias, depthwise_kernel,
//            pointwise_kernel, gamma, beta, moving_mean, moving_variance)
// Paths: "layer" at top level, "outer/inner" inside nested models.
// ---------------------------------------------------------------------------------------------
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

// biasTap (optional, methods.js FullGrad): a tensor added right after the bias addition of a
// Conv2D / DepthwiseConv2D / SeparableConv2D with a bias (before its activation) or to a
// BatchNormalization's output; d score / d biasTap = the gradient there. null: unchanged.
function applyLayer(node, ins, W, noSoftmax, biasTap = null) {
  const c = node.config;
  const x = ins[0];
  if (c.data_format && c.data_format !== 'channels_last') throw new Error(`${node.name}: data_format ${c.data_format} not supported here`);
  const w = W || {};
  switch (node.class_name) {
    case 'InputLayer': case 'Dropout': case 'SpatialDropout2D': case 'GaussianNoise': case 'GaussianDropout': return x;
    case 'Conv2D': {
      const d = pair(c.dilation_rate || 1);
      let y = tf.conv2d(x, dilateKernel(w.kernel, d[0], d[1]), pair(c.strides || 1), c.padding);
      if (c.use_bias !== false) { y = y.add(w.bias); if (biasTap) y = y.add(biasTap); }
      return activation(c.activation, y, noSoftmax);
    }
    case 'DepthwiseConv2D': {
      const d = pair(c.dilation_rate || 1);
      let y = tf.depthwiseConv2d(x, dilateKernel(w.depthwise_kernel, d[0], d[1]), pair(c.strides || 1), c.padding);
      if (c.use_bias !== false) { y = y.add(w.bias); if (biasTap) y = y.add(biasTap); }
      return activation(c.activation, y, noSoftmax);
    }
    case 'SeparableConv2D': {
      const d = pair(c.dilation_rate || 1);
      let y = tf.depthwiseConv2d(x, dilateKernel(w.depthwise_kernel, d[0], d[1]), pair(c.strides || 1), c.padding);
      y = tf.conv2d(y, w.pointwise_kernel, 1, 'valid');
      if (c.use_bias !== false) { y = y.add(w.bias); if (biasTap) y = y.add(biasTap); }
      return activation(c.activation, y, noSoftmax);
    }
    case 'BatchNormalization': {
      const ax = Array.isArray(c.axis) ? c.axis : [c.axis];
      if (!(ax.length === 1 && (ax[0] === -1 || ax[0] === x.rank - 1))) throw new Error(`${node.name}: BN axis ${c.axis}`);
      let y = x.sub(w.moving_mean).div(w.moving_variance.add(c.epsilon == null ? 1e-3 : c.epsilon).sqrt());
      if (c.scale !== false) y = y.mul(w.gamma);
      if (c.center !== false) y = y.add(w.beta);
      if (biasTap) y = y.add(biasTap);
      return y;
    }
    case 'Activation': return activation(c.activation, x, noSoftmax);
    case 'Softmax': if ((c.axis == null ? -1 : c.axis) !== -1) throw new Error('Softmax axis'); return noSoftmax ? x : tf.softmax(x, -1);
    case 'ReLU': return kerasRelu(x, c);
    case 'ZeroPadding2D': {
      let p = c.padding;
      if (!Array.isArray(p)) p = [[p, p], [p, p]];
      else if (!Array.isArray(p[0])) p = [[p[0], p[0]], [p[1], p[1]]];
      return tf.pad(x, [[0, 0], p[0], p[1], [0, 0]]);
    }
    case 'MaxPooling2D': { const pool = pair(c.pool_size); return tf.maxPool(x, pool, pair(c.strides || pool), c.padding); }
    case 'AveragePooling2D': { const pool = pair(c.pool_size); return avgPool(x, pool, pair(c.strides || pool), c.padding); }
    case 'GlobalAveragePooling2D': return tf.mean(x, [1, 2], !!c.keepdims);
    case 'GlobalMaxPooling2D': return globalMax(x, !!c.keepdims);
    case 'Flatten': return x.reshape([x.shape[0], -1]);
    case 'Reshape': return x.reshape([x.shape[0], ...c.target_shape]);
    case 'Dense': {
      if (x.rank !== 2) throw new Error(`${node.name}: Dense on rank ${x.rank}`);
      let y = tf.matMul(x, w.kernel);
      if (c.use_bias !== false) y = y.add(w.bias);
      return activation(c.activation, y, noSoftmax);
    }
    case 'Add': return ins.slice(1).reduce((a, b) => a.add(b), ins[0]);
    case 'Rescaling': return x.mul(c.scale).add(c.offset || 0);
    case 'Resizing':
      if (x.shape[1] === c.height && x.shape[2] === c.width) return x; // TF resize to the same size is the identity
      throw new Error(`${node.name}: Resizing ${x.shape} -> ${c.height}x${c.width} not implemented`);
    default: throw new Error(`${node.name}: layer class ${node.class_name} not supported`);
  }
}

// Evaluate `model` lazily from its outputs. inputs: array of thunks (() => tensor).
// opts: {weights: Map, override: Map path->tensor, record: Map path->tensor (filled),
//        logits: bool (skip the final softmax), prefix,
//        biasTaps: Map path->tensor (optional; see applyLayer)}
function runModel(model, inputThunks, opts, prefix = '', logits = false) {
  const memo = new Map();
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  const inputIdx = new Map(model.inputs.map((n, i) => [n, i]));
  const outName = model.outputs[0];
  const ev = (name) => {
    if (memo.has(name)) return memo.get(name);
    const node = byName.get(name);
    if (!node) throw new Error('unknown node ' + name);
    const p = prefix + name;
    let y;
    const isOut = logits && name === outName;
    if (opts.override && opts.override.has(p)) y = opts.override.get(p);
    else if (inputIdx.has(name) && node.class_name === 'InputLayer') y = inputThunks[inputIdx.get(name)]();
    else if (node.model) {
      const ins = node.inbound.map((n) => () => ev(n));
      y = runModel(node.model, ins, opts, p + '/', isOut);
    } else {
      const ins = node.inbound.map(ev);
      y = applyLayer(node, ins, opts.weights && opts.weights.get(p), isOut, (opts.biasTaps && opts.biasTaps.get(p)) || null);
    }
    if (opts.record) opts.record.set(p, y);
    if (opts.order) opts.order.push({ path: p, leaf: !node.model, shape: y.shape });
    memo.set(name, y);
    return y;
  };
  if (model.outputs.length !== 1) throw new Error('single-output models only');
  return ev(outName);
}
// the final activation of a model ('softmax', 'linear', ...), looking into nested models
function finalActivation(model) {
  const node = model.nodes.find((n) => n.name === model.outputs[0]);
  if (node.model) return finalActivation(node.model);
  if (node.class_name === 'Softmax') return 'softmax';
  return (node.config && node.config.activation) || 'linear';
}
// all leaf nodes with paths, in config order (depth first)
function leafPaths(model, prefix = '') {
  const out = [];
  for (const n of model.nodes) {
    if (n.model) out.push(...leafPaths(n.model, prefix + n.name + '/'));
    else out.push({ path: prefix + n.name, node: n });
  }
  return out;
}

// Directional finite-difference check of g = d f / d t at t0 (f returns a scalar tensor).
const FD_STEPS = [1e-3, 3e-4, 1e-4, 3e-5, 3e-3, 1e-2];
// The scale has a float32 noise floor 1e-6*|f(t0)|/h (f is evaluated in float32), so a
// saturated softmax output (gradient ~1e-6) is not failed for FD noise.
// zeroMask: directions are zero where t0 == 0 (a ReLU output feeding a max pool has all-zero
// windows, where the max is not differentiable and central differences cannot agree with any
// choice of subgradient; the gradient there is checked by the tie rule, not by FD).
function fdCheck(f, t0, g, seedStr, ndir = 2, zeroMask = false) {
  const res = [];
  const x0 = t0.dataSync();
  const f0 = Math.abs(tf.tidy(() => f(t0).dataSync()[0]));
  for (let d = 0; d < ndir; d++) {
    const v = uniformArray(seedStr + '/' + d, t0.shape, -1, 1);
    if (zeroMask) for (let i = 0; i < v.length; i++) if (x0[i] === 0) v[i] = 0;
    let vn = 0; for (let i = 0; i < v.length; i++) vn += v[i] * v[i];
    let best = { err: Infinity };
    for (const h of FD_STEPS) {
      const xp = new Float32Array(x0.length), xm = new Float32Array(x0.length);
      for (let i = 0; i < x0.length; i++) { xp[i] = x0[i] + h * v[i]; xm[i] = x0[i] - h * v[i]; }
      const lp = tf.tidy(() => f(tf.tensor(xp, t0.shape)).dataSync()[0]);
      const lm = tf.tidy(() => f(tf.tensor(xm, t0.shape)).dataSync()[0]);
      const fd = (lp - lm) / (2 * h);
      let an = 0, gn = 0;
      for (let i = 0; i < x0.length; i++) { an += g[i] * (xp[i] - xm[i]) / (2 * h); gn += g[i] * g[i]; }
      const scale = Math.max(Math.abs(an), Math.abs(fd), 0.1 * Math.sqrt(gn) * Math.sqrt(vn / v.length), 1e-6 * f0 / h, 1e-6);
      const err = Math.abs(fd - an) / scale;
      if (err < best.err) best = { err, h, fd, an };
      if (best.err < 5e-3) break;
    }
    res.push(best);
  }
  return res;
}

module.exports = {
  tf, initTf, h5, decodePng, fnv1a, mulberry32, size, uniformArray, imageU8, npyBytes, readNpy, writeFile, writeNpy,
  writeJson, stringify, sha256File, written, maxAbs, maxAbsDiff, relDiff, argmax, topk,
  applyLayer, runModel, finalActivation, leafPaths, MODEL_CLASSES, fdCheck, samePad, setReluGradMode,
};
