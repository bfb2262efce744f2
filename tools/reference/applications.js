#!/usr/bin/env node
// keras.applications architectures with SEEDED weights (task "applications").
//
//   cd tools/reference && npm ci && node applications.js [regex]
//
// VGG16, VGG19, Xception and MobileNet v1 built layer by layer with Keras's layer names
// (tf.keras 2.4 naming, as in the corpus file mlperf_tiny_vww96_nested_mobilenet025.h5),
// every weight filled by the seeded rule of README.md ("Seeded weights"), evaluated with the
// op-level Keras executor of common.js and cross-checked against tf.models.modelFromJSON on
// the same weights. Writes testdata/applications/<case>/{case.json,input.npy,output.npy,
// tap_output.npy,tap_grad_logit.npy} and testdata/applications/mobilenet_0.25_224_no_top_seeded.h5.
'use strict';

const fs = require('fs');
const path = require('path');
const C = require('./common');
const KH = require('./keras_h5');
const { tf } = C;

const OUT = path.resolve(__dirname, '..', '..', 'testdata', 'applications');
const REAL_MOBILENET = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus', 'models', 'keras_app_mobilenet_2_5_224_tf_no_top.h5');
const failures = [];
function fail(name, msg) { failures.push(`${name}: ${msg}`); console.error(`FAIL ${name}: ${msg}`); }

// ---------------------------------------------------------------------------------------------
// Seeded weights (the rule the Java side reimplements; see README.md).
// ---------------------------------------------------------------------------------------------
function seededWeight(layer, wname, shape) {
  const r = C.mulberry32(C.fnv1a(`${layer}/${wname}`));
  const n = C.size(shape);
  const a = new Float32Array(n);
  let f;
  switch (wname) {
    case 'kernel': case 'pointwise_kernel': { const s = Math.sqrt(6 / C.size(shape.slice(0, -1))); f = (u) => (2 * u - 1) * s; break; }
    case 'depthwise_kernel': { const s = Math.sqrt(6 / (shape[0] * shape[1])); f = (u) => (2 * u - 1) * s; break; }
    case 'bias': case 'beta': case 'moving_mean': case 'mean': case 'count': f = (u) => (2 * u - 1) * 0.1; break;
    case 'gamma': case 'moving_variance': case 'variance': f = (u) => 0.8 + 0.4 * u; break;
    default: throw new Error('weight ' + wname);
  }
  for (let i = 0; i < n; i++) a[i] = Math.fround(f(r()));
  return a;
}

// ---------------------------------------------------------------------------------------------
// Model builder with shape inference (NHWC, batch dim omitted).
// ---------------------------------------------------------------------------------------------
class Builder {
  constructor(name, inputShape) {
    this.model = { name, class_name: 'Functional', nodes: [], inputs: ['input_1'], outputs: [], inputShape: [null, ...inputShape] };
    this.shapes = new Map([['input_1', inputShape]]);
    this.wshapes = new Map(); // layer -> [[wname, shape]] in Keras order
    this.model.nodes.push({ name: 'input_1', class_name: 'InputLayer', config: { batch_input_shape: [null, ...inputShape], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' }, inbound: [] });
  }
  add(cls, name, config, inbound) {
    if (this.shapes.has(name)) throw new Error('duplicate layer name ' + name);
    const ins = Array.isArray(inbound) ? inbound : [inbound];
    const s = this.shapes.get(ins[0]);
    const c = { name, trainable: true, dtype: 'float32', ...config };
    let out; const w = [];
    const conv = (n, k, st, pad) => (pad === 'same' ? Math.ceil(n / st) : Math.floor((n - k) / st) + 1);
    switch (cls) {
      case 'Conv2D': case 'DepthwiseConv2D': case 'SeparableConv2D': {
        const [kh, kw] = c.kernel_size, [sh, sw] = c.strides;
        const cin = s[2];
        const cout = cls === 'DepthwiseConv2D' ? cin * c.depth_multiplier : c.filters;
        out = [conv(s[0], kh, sh, c.padding), conv(s[1], kw, sw, c.padding), cout];
        if (cls === 'Conv2D') w.push(['kernel', [kh, kw, cin, cout]]);
        else w.push(['depthwise_kernel', [kh, kw, cin, c.depth_multiplier]]);
        if (cls === 'SeparableConv2D') w.push(['pointwise_kernel', [1, 1, cin * c.depth_multiplier, cout]]);
        if (c.use_bias) w.push(['bias', [cout]]);
        c.data_format = 'channels_last'; c.dilation_rate = [1, 1]; c.activation = c.activation || 'linear';
        break;
      }
      case 'BatchNormalization':
        // Keras's defaults unless the architecture passes epsilon / momentum / scale
        out = s; c.axis = 3; c.momentum = c.momentum ?? 0.99; c.epsilon = c.epsilon ?? 1e-3; c.center = true; c.scale = c.scale ?? true;
        for (const r of ['gamma', 'beta', 'moving_mean', 'moving_variance']) if (r !== 'gamma' || c.scale) w.push([r, [s[2]]]);
        break;
      case 'MaxPooling2D': out = [conv(s[0], c.pool_size[0], c.strides[0], c.padding), conv(s[1], c.pool_size[1], c.strides[1], c.padding), s[2]]; c.data_format = 'channels_last'; break;
      case 'ZeroPadding2D': out = [s[0] + c.padding[0][0] + c.padding[0][1], s[1] + c.padding[1][0] + c.padding[1][1], s[2]]; c.data_format = 'channels_last'; break;
      case 'Cropping2D': out = [s[0] - c.cropping[0][0] - c.cropping[0][1], s[1] - c.cropping[1][0] - c.cropping[1][1], s[2]]; c.data_format = 'channels_last'; break;
      case 'GlobalAveragePooling2D': out = c.keepdims ? [1, 1, s[2]] : [s[2]]; c.data_format = 'channels_last'; break;
      case 'Reshape': out = c.target_shape; break;
      case 'Flatten': out = [C.size(s)]; c.data_format = 'channels_last'; break;
      case 'Dense': out = [c.units]; w.push(['kernel', [s[0], c.units]]); if (c.use_bias) w.push(['bias', [c.units]]); break;
      case 'Activation': case 'ReLU': case 'Dropout': case 'Add': case 'Multiply': case 'Rescaling': out = s; break;
      case 'Normalization':
        // statistics in the config (no weights), or adapted ones stored as weights
        out = s; c.axis = [3]; c.invert = false;
        if (c.mean == null) { c.mean = null; c.variance = null; w.push(['mean', [s[2]]], ['variance', [s[2]]], ['count', []]); }
        break;
      case 'AveragePooling2D': out = [conv(s[0], c.pool_size[0], c.strides[0], c.padding), conv(s[1], c.pool_size[1], c.strides[1], c.padding), s[2]]; c.data_format = 'channels_last'; break;
      case 'Concatenate': out = [s[0], s[1], ins.reduce((a, n) => a + this.shapes.get(n)[2], 0)]; c.axis = 3; break;
      default: throw new Error(cls);
    }
    this.model.nodes.push({ name, class_name: cls, config: c, inbound: ins });
    this.shapes.set(name, out);
    this.wshapes.set(name, w);
    return name;
  }
  finish(out) { this.model.outputs = [out]; return this; }
}

const conv = (filters, k, o = {}) => ({ filters, kernel_size: [k, k], strides: o.strides || [1, 1], padding: o.padding || 'valid', use_bias: o.use_bias !== false, activation: o.activation || 'linear' });

function vgg(name, convsPerBlock) {
  const b = new Builder(name, [224, 224, 3]);
  let x = 'input_1';
  const filters = [64, 128, 256, 512, 512];
  convsPerBlock.forEach((n, bi) => {
    for (let i = 1; i <= n; i++) x = b.add('Conv2D', `block${bi + 1}_conv${i}`, conv(filters[bi], 3, { padding: 'same', activation: 'relu' }), x);
    x = b.add('MaxPooling2D', `block${bi + 1}_pool`, { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, x);
  });
  x = b.add('Flatten', 'flatten', {}, x);
  x = b.add('Dense', 'fc1', { units: 4096, activation: 'relu', use_bias: true }, x);
  x = b.add('Dense', 'fc2', { units: 4096, activation: 'relu', use_bias: true }, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

function xception() {
  const b = new Builder('xception', [299, 299, 3]);
  const bn = (n, x) => b.add('BatchNormalization', n, {}, x);
  const act = (n, x) => b.add('Activation', n, { activation: 'relu' }, x);
  const sep = (n, f, x) => b.add('SeparableConv2D', n, { ...conv(f, 3, { padding: 'same', use_bias: false }), depth_multiplier: 1 }, x);
  let nConv = 0, nBn = 0, nAdd = 0;
  const auto = (base, i) => (i === 0 ? base : `${base}_${i}`);
  const residual = (f, x) => {
    const r = b.add('Conv2D', auto('conv2d', nConv++), conv(f, 1, { strides: [2, 2], padding: 'same', use_bias: false }), x);
    return bn(auto('batch_normalization', nBn++), r);
  };
  const add = (a, r) => b.add('Add', auto('add', nAdd++), {}, [a, r]);
  let x = b.add('Conv2D', 'block1_conv1', conv(32, 3, { strides: [2, 2], use_bias: false }), 'input_1');
  x = act('block1_conv1_act', bn('block1_conv1_bn', x));
  x = b.add('Conv2D', 'block1_conv2', conv(64, 3, { use_bias: false }), x);
  x = act('block1_conv2_act', bn('block1_conv2_bn', x));
  // blocks 2-4 (block 2 has no leading activation)
  [[2, 128], [3, 256], [4, 728]].forEach(([blk, f]) => {
    const r = residual(f, x);
    if (blk !== 2) x = act(`block${blk}_sepconv1_act`, x);
    x = bn(`block${blk}_sepconv1_bn`, sep(`block${blk}_sepconv1`, f, x));
    x = act(`block${blk}_sepconv2_act`, x);
    x = bn(`block${blk}_sepconv2_bn`, sep(`block${blk}_sepconv2`, f, x));
    x = b.add('MaxPooling2D', `block${blk}_pool`, { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, x);
    x = add(x, r);
  });
  for (let i = 0; i < 8; i++) {
    const p = `block${i + 5}`;
    const r = x;
    for (const k of [1, 2, 3]) {
      x = act(`${p}_sepconv${k}_act`, x);
      x = bn(`${p}_sepconv${k}_bn`, sep(`${p}_sepconv${k}`, 728, x));
    }
    x = add(x, r);
  }
  const r = residual(1024, x);
  x = act('block13_sepconv1_act', x);
  x = bn('block13_sepconv1_bn', sep('block13_sepconv1', 728, x));
  x = act('block13_sepconv2_act', x);
  x = bn('block13_sepconv2_bn', sep('block13_sepconv2', 1024, x));
  x = b.add('MaxPooling2D', 'block13_pool', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }, x);
  x = add(x, r);
  x = act('block14_sepconv1_act', bn('block14_sepconv1_bn', sep('block14_sepconv1', 1536, x)));
  x = act('block14_sepconv2_act', bn('block14_sepconv2_bn', sep('block14_sepconv2', 2048, x)));
  x = b.add('GlobalAveragePooling2D', 'avg_pool', {}, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

// tf.keras 2.4 mobilenet.py (layer names as in the corpus file mlperf_tiny_vww96_nested_mobilenet025.h5)
function mobilenet(alpha, rows, includeTop) {
  const name = `mobilenet_${alpha.toFixed(2)}_${rows}`;
  const b = new Builder(name, [rows, rows, 3]);
  const bn = (n, x) => b.add('BatchNormalization', n, {}, x);
  const relu6 = (n, x) => b.add('ReLU', n, { max_value: 6, negative_slope: 0, threshold: 0 }, x);
  let x = b.add('ZeroPadding2D', 'conv1_pad', { padding: [[0, 1], [0, 1]] }, 'input_1');
  x = b.add('Conv2D', 'conv1', conv(Math.trunc(32 * alpha), 3, { strides: [2, 2], padding: 'valid', use_bias: false }), x);
  x = relu6('conv1_relu', bn('conv1_bn', x));
  const blocks = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  blocks.forEach(([f, s], i) => {
    const id = i + 1;
    if (s === 2) x = b.add('ZeroPadding2D', `conv_pad_${id}`, { padding: [[0, 1], [0, 1]] }, x);
    x = b.add('DepthwiseConv2D', `conv_dw_${id}`, { kernel_size: [3, 3], strides: [s, s], padding: s === 1 ? 'same' : 'valid', depth_multiplier: 1, use_bias: false, activation: 'linear' }, x);
    x = relu6(`conv_dw_${id}_relu`, bn(`conv_dw_${id}_bn`, x));
    x = b.add('Conv2D', `conv_pw_${id}`, conv(Math.trunc(f * alpha), 1, { padding: 'same', use_bias: false }), x);
    x = relu6(`conv_pw_${id}_relu`, bn(`conv_pw_${id}_bn`, x));
  });
  if (includeTop) {
    x = b.add('GlobalAveragePooling2D', 'global_average_pooling2d', {}, x);
    x = b.add('Reshape', 'reshape_1', { target_shape: [1, 1, Math.trunc(1024 * alpha)] }, x);
    x = b.add('Dropout', 'dropout', { rate: 1e-3 }, x);
    x = b.add('Conv2D', 'conv_preds', conv(1000, 1, { padding: 'same' }), x);
    x = b.add('Reshape', 'reshape_2', { target_shape: [1000] }, x);
    x = b.add('Activation', 'predictions', { activation: 'softmax' }, x);
  }
  return b.finish(x);
}

// keras/src/applications/resnet.py (ResNet, residual_block_v1/v2, stack_residual_blocks_v1/v2),
// written here from the Python source, independently of the Java builder
function resnet(name, blocks, preact, rows) {
  const b = new Builder(name, [rows, rows, 3]);
  const eps = 1.001e-5;
  const bn = (n, x) => b.add('BatchNormalization', n, { epsilon: eps }, x);
  const relu = (n, x) => b.add('Activation', n, { activation: 'relu' }, x);
  const pad = (n, p, x) => b.add('ZeroPadding2D', n, { padding: [[p, p], [p, p]] }, x);
  let nPool = 0;
  const blockV1 = (x, f, stride, convShortcut, n) => {
    let sc = x;
    if (convShortcut) sc = bn(`${n}_0_bn`, b.add('Conv2D', `${n}_0_conv`, conv(4 * f, 1, { strides: [stride, stride] }), x));
    x = relu(`${n}_1_relu`, bn(`${n}_1_bn`, b.add('Conv2D', `${n}_1_conv`, conv(f, 1, { strides: [stride, stride] }), x)));
    x = relu(`${n}_2_relu`, bn(`${n}_2_bn`, b.add('Conv2D', `${n}_2_conv`, conv(f, 3, { padding: 'same' }), x)));
    x = bn(`${n}_3_bn`, b.add('Conv2D', `${n}_3_conv`, conv(4 * f, 1), x));
    return relu(`${n}_out`, b.add('Add', `${n}_add`, {}, [sc, x]));
  };
  const blockV2 = (x, f, stride, convShortcut, n) => {
    const pre = relu(`${n}_preact_relu`, bn(`${n}_preact_bn`, x));
    let sc;
    if (convShortcut) sc = b.add('Conv2D', `${n}_0_conv`, conv(4 * f, 1, { strides: [stride, stride] }), pre);
    else sc = stride > 1 ? b.add('MaxPooling2D', nPool++ === 0 ? 'max_pooling2d' : `max_pooling2d_${nPool - 1}`, { pool_size: [1, 1], strides: [stride, stride], padding: 'valid' }, x) : x;
    x = relu(`${n}_1_relu`, bn(`${n}_1_bn`, b.add('Conv2D', `${n}_1_conv`, conv(f, 1, { use_bias: false }), pre)));
    x = pad(`${n}_2_pad`, 1, x);
    x = relu(`${n}_2_relu`, bn(`${n}_2_bn`, b.add('Conv2D', `${n}_2_conv`, conv(f, 3, { strides: [stride, stride], use_bias: false }), x)));
    x = b.add('Conv2D', `${n}_3_conv`, conv(4 * f, 1), x);
    return b.add('Add', `${n}_out`, {}, [sc, x]);
  };
  let x = pad('conv1_pad', 3, 'input_1');
  x = b.add('Conv2D', 'conv1_conv', conv(64, 7, { strides: [2, 2] }), x);
  if (!preact) x = relu('conv1_relu', bn('conv1_bn', x));
  x = b.add('MaxPooling2D', 'pool1_pool', { pool_size: [3, 3], strides: [2, 2], padding: 'valid' }, pad('pool1_pad', 1, x));
  [64, 128, 256, 512].forEach((f, i) => {
    const n = `conv${i + 2}`;
    if (!preact) {
      x = blockV1(x, f, i === 0 ? 1 : 2, true, `${n}_block1`);
      for (let k = 2; k <= blocks[i]; k++) x = blockV1(x, f, 1, false, `${n}_block${k}`);
    } else {
      x = blockV2(x, f, 1, true, `${n}_block1`);
      for (let k = 2; k < blocks[i]; k++) x = blockV2(x, f, 1, false, `${n}_block${k}`);
      x = blockV2(x, f, i === 3 ? 1 : 2, false, `${n}_block${blocks[i]}`);
    }
  });
  if (preact) x = relu('post_relu', bn('post_bn', x));
  x = b.add('GlobalAveragePooling2D', 'avg_pool', {}, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

// Keras's _make_divisible (mobilenet_v2.py) / _depth (mobilenet_v3.py) / round_filters (efficientnet.py)
function makeDivisible(v, divisor = 8) {
  let n = Math.max(divisor, Math.trunc(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}
// imagenet_utils.correct_pad for a known input size
function correctPad(shape, k) {
  const adj = [1 - (shape[0] % 2), 1 - (shape[1] % 2)];
  const c = Math.trunc(k / 2);
  return [[c - adj[0], c], [c - adj[1], c]];
}

// keras/src/applications/mobilenet_v2.py
function mobilenetV2(alpha, rows) {
  const b = new Builder(`mobilenetv2_${alpha.toFixed(2)}_${rows}`, [rows, rows, 3]);
  const bn = (n, x) => b.add('BatchNormalization', n, { epsilon: 1e-3, momentum: 0.999 }, x);
  const relu6 = (n, x) => b.add('ReLU', n, { max_value: 6, negative_slope: 0, threshold: 0 }, x);
  let x = b.add('Conv2D', 'Conv1', conv(makeDivisible(32 * alpha), 3, { strides: [2, 2], padding: 'same', use_bias: false }), 'input_1');
  x = relu6('Conv1_relu', bn('bn_Conv1', x));
  const blocks = [[1, 16, 1], [6, 24, 2], [6, 24, 1], [6, 32, 2], [6, 32, 1], [6, 32, 1], [6, 64, 2], [6, 64, 1], [6, 64, 1],
    [6, 64, 1], [6, 96, 1], [6, 96, 1], [6, 96, 1], [6, 160, 2], [6, 160, 1], [6, 160, 1], [6, 320, 1]];
  blocks.forEach(([expansion, filters, stride], id) => {
    const input = x;
    const inC = b.shapes.get(x)[2];
    const outC = makeDivisible(Math.trunc(filters * alpha));
    let p = 'expanded_conv_';
    if (id) {
      p = `block_${id}_`;
      x = b.add('Conv2D', `${p}expand`, conv(expansion * inC, 1, { padding: 'same', use_bias: false }), x);
      x = relu6(`${p}expand_relu`, bn(`${p}expand_BN`, x));
    }
    if (stride === 2) x = b.add('ZeroPadding2D', `${p}pad`, { padding: correctPad(b.shapes.get(x), 3) }, x);
    x = b.add('DepthwiseConv2D', `${p}depthwise`, { kernel_size: [3, 3], strides: [stride, stride], padding: stride === 1 ? 'same' : 'valid', depth_multiplier: 1, use_bias: false, activation: 'linear' }, x);
    x = relu6(`${p}depthwise_relu`, bn(`${p}depthwise_BN`, x));
    x = bn(`${p}project_BN`, b.add('Conv2D', `${p}project`, conv(outC, 1, { padding: 'same', use_bias: false }), x));
    if (inC === outC && stride === 1) x = b.add('Add', `${p}add`, {}, [input, x]);
  });
  x = b.add('Conv2D', 'Conv_1', conv(alpha > 1 ? makeDivisible(1280 * alpha) : 1280, 1, { use_bias: false }), x);
  x = relu6('out_relu', bn('Conv_1_bn', x));
  x = b.add('GlobalAveragePooling2D', 'global_average_pooling2d', {}, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

// keras/src/applications/efficientnet.py (EfficientNet with weights="imagenet": Rescaling,
// Normalization, Rescaling by 1/sqrt(stddev); block(); DEFAULT_BLOCKS_ARGS)
function efficientnet(variant, rows) {
  const [width, depth, , dropout] = [[1.0, 1.0, 224, 0.2], [1.0, 1.1, 240, 0.2], [1.1, 1.2, 260, 0.3], [1.2, 1.4, 300, 0.3],
    [1.4, 1.8, 380, 0.4], [1.6, 2.2, 456, 0.4], [1.8, 2.6, 528, 0.5], [2.0, 3.1, 600, 0.5]][variant];
  const b = new Builder(`efficientnetb${variant}`, [rows, rows, 3]);
  const roundFilters = (f) => makeDivisible(f * width);
  const roundRepeats = (r) => Math.ceil(depth * r);
  const bn = (n, x) => b.add('BatchNormalization', n, {}, x);
  const act = (n, x) => b.add('Activation', n, { activation: 'swish' }, x);
  let x = b.add('Rescaling', 'rescaling', { scale: 1 / 255, offset: 0 }, 'input_1');
  x = b.add('Normalization', 'normalization', {}, x);
  x = b.add('Rescaling', 'rescaling_1', { scale: [0.229, 0.224, 0.225].map((s) => 1 / Math.sqrt(s)), offset: 0 }, x);
  x = b.add('ZeroPadding2D', 'stem_conv_pad', { padding: correctPad(b.shapes.get(x), 3) }, x);
  x = act('stem_activation', bn('stem_bn', b.add('Conv2D', 'stem_conv', conv(roundFilters(32), 3, { strides: [2, 2], use_bias: false }), x)));
  const args = [[3, 1, 32, 16, 1, 1], [3, 2, 16, 24, 6, 2], [5, 2, 24, 40, 6, 2], [3, 3, 40, 80, 6, 2], [5, 3, 80, 112, 6, 1], [5, 4, 112, 192, 6, 2], [3, 1, 192, 320, 6, 1]];
  const total = args.reduce((a, r) => a + roundRepeats(r[1]), 0);
  let count = 0;
  args.forEach(([k, repeats, fin, fout, expand, stride], i) => {
    for (let j = 0; j < roundRepeats(repeats); j++) {
      const n = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      const s = j === 0 ? stride : 1;
      const filtersIn = j === 0 ? roundFilters(fin) : roundFilters(fout);
      const filtersOut = roundFilters(fout);
      const dropRate = 0.2 * count / total;
      const input = x;
      const filters = filtersIn * expand;
      if (expand !== 1) x = act(`${n}expand_activation`, bn(`${n}expand_bn`, b.add('Conv2D', `${n}expand_conv`, conv(filters, 1, { padding: 'same', use_bias: false }), x)));
      if (s === 2) x = b.add('ZeroPadding2D', `${n}dwconv_pad`, { padding: correctPad(b.shapes.get(x), k) }, x);
      x = b.add('DepthwiseConv2D', `${n}dwconv`, { kernel_size: [k, k], strides: [s, s], padding: s === 2 ? 'valid' : 'same', depth_multiplier: 1, use_bias: false, activation: 'linear' }, x);
      x = act(`${n}activation`, bn(`${n}bn`, x));
      let se = b.add('GlobalAveragePooling2D', `${n}se_squeeze`, {}, x);
      se = b.add('Reshape', `${n}se_reshape`, { target_shape: [1, 1, filters] }, se);
      se = b.add('Conv2D', `${n}se_reduce`, conv(Math.max(1, Math.trunc(filtersIn * 0.25)), 1, { padding: 'same', activation: 'swish' }), se);
      se = b.add('Conv2D', `${n}se_expand`, conv(filters, 1, { padding: 'same', activation: 'sigmoid' }), se);
      x = b.add('Multiply', `${n}se_excite`, {}, [x, se]);
      x = bn(`${n}project_bn`, b.add('Conv2D', `${n}project_conv`, conv(filtersOut, 1, { padding: 'same', use_bias: false }), x));
      if (s === 1 && filtersIn === filtersOut) {
        if (dropRate > 0) x = b.add('Dropout', `${n}drop`, { rate: dropRate, noise_shape: [null, 1, 1, 1] }, x);
        x = b.add('Add', `${n}add`, {}, [x, input]);
      }
      count++;
    }
  });
  x = act('top_activation', bn('top_bn', b.add('Conv2D', 'top_conv', conv(roundFilters(1280), 1, { padding: 'same', use_bias: false }), x)));
  x = b.add('GlobalAveragePooling2D', 'avg_pool', {}, x);
  x = b.add('Dropout', 'top_dropout', { rate: dropout }, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

// keras/src/applications/densenet.py (DenseNet, dense_block, conv_block, transition_block)
function densenet(blocks, name, rows) {
  const b = new Builder(name, [rows, rows, 3]);
  const bn = (n, x) => b.add('BatchNormalization', n, { epsilon: 1.001e-5 }, x);
  const relu = (n, x) => b.add('Activation', n, { activation: 'relu' }, x);
  let x = b.add('ZeroPadding2D', 'zero_padding2d', { padding: [[3, 3], [3, 3]] }, 'input_1');
  x = relu('conv1_relu', bn('conv1_bn', b.add('Conv2D', 'conv1_conv', conv(64, 7, { strides: [2, 2], use_bias: false }), x)));
  x = b.add('ZeroPadding2D', 'zero_padding2d_1', { padding: [[1, 1], [1, 1]] }, x);
  x = b.add('MaxPooling2D', 'pool1', { pool_size: [3, 3], strides: [2, 2], padding: 'valid' }, x);
  blocks.forEach((n, i) => {
    for (let k = 1; k <= n; k++) {
      const p = `conv${i + 2}_block${k}`;
      let x1 = relu(`${p}_0_relu`, bn(`${p}_0_bn`, x));
      x1 = relu(`${p}_1_relu`, bn(`${p}_1_bn`, b.add('Conv2D', `${p}_1_conv`, conv(128, 1, { use_bias: false }), x1)));
      x1 = b.add('Conv2D', `${p}_2_conv`, conv(32, 3, { padding: 'same', use_bias: false }), x1);
      x = b.add('Concatenate', `${p}_concat`, { axis: 3 }, [x, x1]);
    }
    if (i < 3) {
      const p = `pool${i + 2}`;
      x = relu(`${p}_relu`, bn(`${p}_bn`, x));
      x = b.add('Conv2D', `${p}_conv`, conv(Math.trunc(b.shapes.get(x)[2] * 0.5), 1, { use_bias: false }), x);
      x = b.add('AveragePooling2D', `${p}_pool`, { pool_size: [2, 2], strides: [2, 2], padding: 'valid' }, x);
    }
  });
  x = relu('relu', bn('bn', x));
  x = b.add('GlobalAveragePooling2D', 'avg_pool', {}, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

// keras/src/applications/inception_v3.py (conv2d_bn: unnamed Conv2D without bias, BatchNormalization
// with scale=False, relu Activation; unnamed pooling; mixed0..mixed10)
function inceptionV3(rows) {
  const b = new Builder('inception_v3', [rows, rows, 3]);
  const counters = {};
  const auto = (base) => { const n = counters[base] || 0; counters[base] = n + 1; return n === 0 ? base : `${base}_${n}`; };
  const cbn = (x, f, r, c, strides = 1, padding = 'same') => {
    x = b.add('Conv2D', auto('conv2d'), { filters: f, kernel_size: [r, c], strides: [strides, strides], padding, use_bias: false, activation: 'linear' }, x);
    x = b.add('BatchNormalization', auto('batch_normalization'), { scale: false }, x);
    return b.add('Activation', auto('activation'), { activation: 'relu' }, x);
  };
  const maxPool = (x) => b.add('MaxPooling2D', auto('max_pooling2d'), { pool_size: [3, 3], strides: [2, 2], padding: 'valid' }, x);
  const avgPool = (x) => b.add('AveragePooling2D', auto('average_pooling2d'), { pool_size: [3, 3], strides: [1, 1], padding: 'same' }, x);
  const cat = (name, xs) => b.add('Concatenate', name, { axis: 3 }, xs);
  let x = cbn('input_1', 32, 3, 3, 2, 'valid');
  x = cbn(x, 32, 3, 3, 1, 'valid');
  x = cbn(x, 64, 3, 3);
  x = maxPool(x);
  x = cbn(x, 80, 1, 1, 1, 'valid');
  x = cbn(x, 192, 3, 3, 1, 'valid');
  x = maxPool(x);
  [32, 64, 64].forEach((pf, i) => {
    const b1 = cbn(x, 64, 1, 1);
    const b5 = cbn(cbn(x, 48, 1, 1), 64, 5, 5);
    const b3 = cbn(cbn(cbn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
    const bp = cbn(avgPool(x), pf, 1, 1);
    x = cat(`mixed${i}`, [b1, b5, b3, bp]);
  });
  {
    const b3 = cbn(x, 384, 3, 3, 2, 'valid');
    const bd = cbn(cbn(cbn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, 2, 'valid');
    x = cat('mixed3', [b3, bd, maxPool(x)]);
  }
  [128, 160, 160, 192].forEach((c, i) => {
    const b1 = cbn(x, 192, 1, 1);
    const b7 = cbn(cbn(cbn(x, c, 1, 1), c, 1, 7), 192, 7, 1);
    const bd = cbn(cbn(cbn(cbn(cbn(x, c, 1, 1), c, 7, 1), c, 1, 7), c, 7, 1), 192, 1, 7);
    const bp = cbn(avgPool(x), 192, 1, 1);
    x = cat(`mixed${4 + i}`, [b1, b7, bd, bp]);
  });
  {
    const b3 = cbn(cbn(x, 192, 1, 1), 320, 3, 3, 2, 'valid');
    const b7 = cbn(cbn(cbn(cbn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1), 192, 3, 3, 2, 'valid');
    x = cat('mixed8', [b3, b7, maxPool(x)]);
  }
  for (let i = 0; i < 2; i++) {
    const b1 = cbn(x, 320, 1, 1);
    const b3 = cbn(x, 384, 1, 1);
    const b3cat = cat(`mixed9_${i}`, [cbn(b3, 384, 1, 3), cbn(b3, 384, 3, 1)]);
    const bd = cbn(cbn(x, 448, 1, 1), 384, 3, 3);
    const bdcat = cat(auto('concatenate'), [cbn(bd, 384, 1, 3), cbn(bd, 384, 3, 1)]);
    const bp = cbn(avgPool(x), 192, 1, 1);
    x = cat(`mixed${9 + i}`, [b1, b3cat, bdcat, bp]);
  }
  x = b.add('GlobalAveragePooling2D', 'avg_pool', {}, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

// keras/src/applications/mobilenet_v3.py (Keras 3: hard_swish as Activation("hard_swish"), relu as
// ReLU(), hard_sigmoid as ReLU(6)(x + 3) * (1/6), written here as Rescaling, ReLU(6), Rescaling)
function mobilenetV3(large, alpha, minimalistic, rows) {
  const b = new Builder(large ? 'MobileNetV3Large' : 'MobileNetV3Small', [rows, rows, 3]);
  const counters = {};
  const auto = (base) => { const n = counters[base] || 0; counters[base] = n + 1; return n === 0 ? base : `${base}_${n}`; };
  const kernel = minimalistic ? 3 : 5;
  const seRatio = minimalistic ? null : 0.25;
  const relu = (x) => b.add('ReLU', auto('re_lu'), { max_value: null, negative_slope: 0, threshold: 0 }, x);
  const hardSwish = (x) => b.add('Activation', auto('activation'), { activation: 'hard_swish' }, x);
  const activation = minimalistic ? relu : hardSwish;
  const bn = (n, x) => b.add('BatchNormalization', n, { epsilon: 1e-3, momentum: 0.999 }, x);
  const depth = (d) => makeDivisible(d * alpha);
  const se = (inputs, filters, p) => {
    let x = b.add('GlobalAveragePooling2D', `${p}squeeze_excite_avg_pool`, { keepdims: true }, inputs);
    x = b.add('Conv2D', `${p}squeeze_excite_conv`, conv(makeDivisible(filters * seRatio), 1, { padding: 'same' }), x);
    x = b.add('ReLU', `${p}squeeze_excite_relu`, { max_value: null, negative_slope: 0, threshold: 0 }, x);
    x = b.add('Conv2D', `${p}squeeze_excite_conv_1`, conv(filters, 1, { padding: 'same' }), x);
    x = b.add('Rescaling', auto('rescaling'), { scale: 1, offset: 3 }, x);
    x = b.add('ReLU', auto('re_lu'), { max_value: 6, negative_slope: 0, threshold: 0 }, x);
    x = b.add('Rescaling', auto('rescaling'), { scale: 1 / 6, offset: 0 }, x);
    return b.add('Multiply', `${p}squeeze_excite_mul`, {}, [inputs, x]);
  };
  const block = (x, expansion, filters, k, stride, ratio, act, id) => {
    const shortcut = x;
    const inF = b.shapes.get(x)[2];
    let p = 'expanded_conv_';
    if (id) {
      p = `expanded_conv_${id}_`;
      x = act(bn(`${p}expand_bn`, b.add('Conv2D', `${p}expand`, conv(makeDivisible(inF * expansion), 1, { padding: 'same', use_bias: false }), x)));
    }
    if (stride === 2) x = b.add('ZeroPadding2D', `${p}depthwise_pad`, { padding: correctPad(b.shapes.get(x), k) }, x);
    x = b.add('DepthwiseConv2D', `${p}depthwise`, { kernel_size: [k, k], strides: [stride, stride], padding: stride === 1 ? 'same' : 'valid', depth_multiplier: 1, use_bias: false, activation: 'linear' }, x);
    x = act(bn(`${p}depthwise_bn`, x));
    if (ratio) x = se(x, makeDivisible(inF * expansion), p);
    x = bn(`${p}project_bn`, b.add('Conv2D', `${p}project`, conv(filters, 1, { padding: 'same', use_bias: false }), x));
    if (stride === 1 && inF === filters) x = b.add('Add', `${p}add`, {}, [shortcut, x]);
    return x;
  };
  let x = b.add('Rescaling', auto('rescaling'), { scale: 1 / 127.5, offset: -1 }, 'input_1');
  x = activation(bn('conv_bn', b.add('Conv2D', 'conv', conv(16, 3, { strides: [2, 2], padding: 'same', use_bias: false }), x)));
  const args = large
    ? [[1, 16, 3, 1, null, relu], [4, 24, 3, 2, null, relu], [3, 24, 3, 1, null, relu], [3, 40, kernel, 2, seRatio, relu],
      [3, 40, kernel, 1, seRatio, relu], [3, 40, kernel, 1, seRatio, relu], [6, 80, 3, 2, null, activation],
      [2.5, 80, 3, 1, null, activation], [2.3, 80, 3, 1, null, activation], [2.3, 80, 3, 1, null, activation],
      [6, 112, 3, 1, seRatio, activation], [6, 112, 3, 1, seRatio, activation], [6, 160, kernel, 2, seRatio, activation],
      [6, 160, kernel, 1, seRatio, activation], [6, 160, kernel, 1, seRatio, activation]]
    : [[1, 16, 3, 2, seRatio, relu], [72 / 16, 24, 3, 2, null, relu], [88 / 24, 24, 3, 1, null, relu],
      [4, 40, kernel, 2, seRatio, activation], [6, 40, kernel, 1, seRatio, activation], [6, 40, kernel, 1, seRatio, activation],
      [3, 48, kernel, 1, seRatio, activation], [3, 48, kernel, 1, seRatio, activation], [6, 96, kernel, 2, seRatio, activation],
      [6, 96, kernel, 1, seRatio, activation], [6, 96, kernel, 1, seRatio, activation]];
  args.forEach(([e, f, k, s, r, act], id) => { x = block(x, e, depth(f), k, s, r, act, id); });
  const lastConv = makeDivisible(b.shapes.get(x)[2] * 6);
  const lastPoint = alpha > 1 ? makeDivisible((large ? 1280 : 1024) * alpha) : (large ? 1280 : 1024);
  x = activation(bn('conv_1_bn', b.add('Conv2D', 'conv_1', conv(lastConv, 1, { padding: 'same', use_bias: false }), x)));
  x = b.add('GlobalAveragePooling2D', auto('global_average_pooling2d'), { keepdims: true }, x);
  x = activation(b.add('Conv2D', 'conv_2', conv(lastPoint, 1, { padding: 'same' }), x));
  x = b.add('Dropout', auto('dropout'), { rate: 0.2 }, x);
  x = b.add('Conv2D', 'logits', conv(1000, 1, { padding: 'same' }), x);
  x = b.add('Flatten', auto('flatten'), {}, x);
  x = b.add('Activation', 'predictions', { activation: 'softmax' }, x);
  return b.finish(x);
}

// keras/src/applications/efficientnet_v2.py, B variants (include_preprocessing: Rescaling(1/255),
// Normalization with the ImageNet mean and variance in its config, Rescaling(1/128, -1); MBConvBlock
// and FusedMBConvBlock; round_filters without EfficientNet V1's 10 % rule; BN momentum 0.9)
function efficientnetV2(variant, rows) {
  const [width, depth] = [[1.0, 1.0], [1.0, 1.1], [1.1, 1.2], [1.2, 1.4]][variant];
  const b = new Builder(`efficientnetv2-b${variant}`, [rows, rows, 3]);
  const roundFilters = (f) => Math.max(8, Math.trunc(Math.trunc(f * width + 4) / 8) * 8);
  const bn = (n, x) => b.add('BatchNormalization', n, { momentum: 0.9 }, x);
  const act = (n, x) => b.add('Activation', n, { activation: 'swish' }, x);
  let x = b.add('Rescaling', 'rescaling', { scale: 1 / 255, offset: 0 }, 'input_1');
  x = b.add('Normalization', 'normalization', { mean: [0.485, 0.456, 0.406], variance: [0.229 ** 2, 0.224 ** 2, 0.225 ** 2] }, x);
  x = b.add('Rescaling', 'rescaling_1', { scale: 1 / 128, offset: -1 }, x);
  x = act('stem_activation', bn('stem_bn', b.add('Conv2D', 'stem_conv', conv(roundFilters(32), 3, { strides: [2, 2], padding: 'same', use_bias: false }), x)));
  // kernel, repeats, in, out, expand, se, stride, fused
  const args = [[3, 1, 32, 16, 1, 0, 1, true], [3, 2, 16, 32, 4, 0, 2, true], [3, 2, 32, 48, 4, 0, 2, true],
    [3, 3, 48, 96, 4, 0.25, 2, false], [3, 5, 96, 112, 6, 0.25, 1, false], [3, 8, 112, 192, 6, 0.25, 2, false]];
  const total = args.reduce((a, r) => a + r[1], 0);
  let count = 0;
  args.forEach(([k, repeats, fin, fout, expand, seRatio, stride, fused], i) => {
    for (let j = 0; j < Math.ceil(depth * repeats); j++) {
      const n = `block${i + 1}${String.fromCharCode(97 + j)}_`;
      const s = j === 0 ? stride : 1;
      const filtersIn = j === 0 ? roundFilters(fin) : roundFilters(fout);
      const filtersOut = roundFilters(fout);
      const filters = filtersIn * expand;
      const input = x;
      if (expand !== 1) {
        const ek = fused ? k : 1, es = fused ? s : 1;
        x = act(`${n}expand_activation`, bn(`${n}expand_bn`, b.add('Conv2D', `${n}expand_conv`, conv(filters, ek, { strides: [es, es], padding: 'same', use_bias: false }), x)));
      }
      if (!fused) {
        x = b.add('DepthwiseConv2D', `${n}dwconv2`, { kernel_size: [k, k], strides: [s, s], padding: 'same', depth_multiplier: 1, use_bias: false, activation: 'linear' }, x);
        x = act(`${n}activation`, bn(`${n}bn`, x));
      }
      if (seRatio > 0) {
        let se = b.add('GlobalAveragePooling2D', `${n}se_squeeze`, {}, x);
        se = b.add('Reshape', `${n}se_reshape`, { target_shape: [1, 1, filters] }, se);
        se = b.add('Conv2D', `${n}se_reduce`, conv(Math.max(1, Math.trunc(filtersIn * seRatio)), 1, { padding: 'same', activation: 'swish' }), se);
        se = b.add('Conv2D', `${n}se_expand`, conv(filters, 1, { padding: 'same', activation: 'sigmoid' }), se);
        x = b.add('Multiply', `${n}se_excite`, {}, [x, se]);
      }
      const pk = fused && expand === 1 ? k : 1, ps = fused && expand === 1 ? s : 1;
      x = bn(`${n}project_bn`, b.add('Conv2D', `${n}project_conv`, conv(filtersOut, pk, { strides: [ps, ps], padding: 'same', use_bias: false }), x));
      if (fused && expand === 1) x = act(`${n}project_activation`, x);
      if (s === 1 && filtersIn === filtersOut) {
        const rate = 0.2 * count / total;
        if (rate > 0) x = b.add('Dropout', `${n}drop`, { rate, noise_shape: [null, 1, 1, 1] }, x);
        x = b.add('Add', `${n}add`, {}, [x, input]);
      }
      count++;
    }
  });
  x = act('top_activation', bn('top_bn', b.add('Conv2D', 'top_conv', conv(roundFilters(1280), 1, { padding: 'same', use_bias: false }), x)));
  x = b.add('GlobalAveragePooling2D', 'avg_pool', {}, x);
  x = b.add('Dropout', 'top_dropout', { rate: 0.2 }, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

// keras/src/applications/nasnet.py, NASNetMobile (penultimate_filters 1056, num_blocks 4,
// stem_block_filters 32, skip_reduction False, filter_multiplier 2)
function nasnetMobile(rows) {
  const b = new Builder('nasnet_mobile', [rows, rows, 3]);
  const counters = {};
  const auto = (base) => { const n = counters[base] || 0; counters[base] = n + 1; return n === 0 ? base : `${base}_${n}`; };
  const bn = (n, x) => b.add('BatchNormalization', n, { momentum: 0.9997, epsilon: 1e-3 }, x);
  const relu = (x, name) => b.add('Activation', name || auto('activation'), { activation: 'relu' }, x);
  const conv1 = (n, f, x) => b.add('Conv2D', n, conv(f, 1, { padding: 'same', use_bias: false }), x);
  const avg = (n, x, k, s, pad) => b.add('AveragePooling2D', n, { pool_size: [k, k], strides: [s, s], padding: pad }, x);
  const add = (n, xs) => b.add('Add', n, {}, xs);
  const W = (x) => b.shapes.get(x)[1];
  const sepBlock = (ip, f, k, s, id) => {
    let x = relu(ip);
    let pad = 'same';
    if (s === 2) { x = b.add('ZeroPadding2D', `separable_conv_1_pad_${id}`, { padding: correctPad(b.shapes.get(x), k) }, x); pad = 'valid'; }
    x = b.add('SeparableConv2D', `separable_conv_1_${id}`, { ...conv(f, k, { strides: [s, s], padding: pad, use_bias: false }), depth_multiplier: 1 }, x);
    x = relu(bn(`separable_conv_1_bn_${id}`, x));
    x = b.add('SeparableConv2D', `separable_conv_2_${id}`, { ...conv(f, k, { padding: 'same', use_bias: false }), depth_multiplier: 1 }, x);
    return bn(`separable_conv_2_bn_${id}`, x);
  };
  const adjust = (p, ip, f, id) => {
    if (p === null) return ip;
    if (W(p) !== W(ip)) {
      p = relu(p, `adjust_relu_1_${id}`);
      const p1 = conv1(`adjust_conv_1_${id}`, Math.trunc(f / 2), avg(`adjust_avg_pool_1_${id}`, p, 1, 2, 'valid'));
      let p2 = b.add('ZeroPadding2D', auto('zero_padding2d'), { padding: [[0, 1], [0, 1]] }, p);
      p2 = b.add('Cropping2D', auto('cropping2d'), { cropping: [[1, 0], [1, 0]] }, p2);
      p2 = conv1(`adjust_conv_2_${id}`, Math.trunc(f / 2), avg(`adjust_avg_pool_2_${id}`, p2, 1, 2, 'valid'));
      return bn(`adjust_bn_${id}`, b.add('Concatenate', auto('concatenate'), { axis: 3 }, [p1, p2]));
    }
    if (b.shapes.get(p)[2] !== f) return bn(`adjust_bn_${id}`, conv1(`adjust_conv_projection_${id}`, f, relu(p)));
    return p;
  };
  const normal = (ip, p, f, id) => {
    p = adjust(p, ip, f, id);
    const h = bn(`normal_bn_1_${id}`, conv1(`normal_conv_1_${id}`, f, relu(ip)));
    const x1 = add(`normal_add_1_${id}`, [sepBlock(h, f, 5, 1, `normal_left1_${id}`), sepBlock(p, f, 3, 1, `normal_right1_${id}`)]);
    const x2 = add(`normal_add_2_${id}`, [sepBlock(p, f, 5, 1, `normal_left2_${id}`), sepBlock(p, f, 3, 1, `normal_right2_${id}`)]);
    const x3 = add(`normal_add_3_${id}`, [avg(`normal_left3_${id}`, h, 3, 1, 'same'), p]);
    const x4 = add(`normal_add_4_${id}`, [avg(`normal_left4_${id}`, p, 3, 1, 'same'), avg(`normal_right4_${id}`, p, 3, 1, 'same')]);
    const x5 = add(`normal_add_5_${id}`, [sepBlock(h, f, 3, 1, `normal_left5_${id}`), h]);
    return [b.add('Concatenate', `normal_concat_${id}`, { axis: 3 }, [p, x1, x2, x3, x4, x5]), ip];
  };
  const reduction = (ip, p, f, id) => {
    p = adjust(p, ip, f, id);
    const h = bn(`reduction_bn_1_${id}`, conv1(`reduction_conv_1_${id}`, f, relu(ip)));
    const h3 = b.add('ZeroPadding2D', `reduction_pad_1_${id}`, { padding: correctPad(b.shapes.get(h), 3) }, h);
    const x1 = add(`reduction_add_1_${id}`, [sepBlock(h, f, 5, 2, `reduction_left1_${id}`), sepBlock(p, f, 7, 2, `reduction_right1_${id}`)]);
    const x2 = add(`reduction_add_2_${id}`, [b.add('MaxPooling2D', `reduction_left2_${id}`, { pool_size: [3, 3], strides: [2, 2], padding: 'valid' }, h3), sepBlock(p, f, 7, 2, `reduction_right2_${id}`)]);
    const x3 = add(`reduction_add3_${id}`, [avg(`reduction_left3_${id}`, h3, 3, 2, 'valid'), sepBlock(p, f, 5, 2, `reduction_right3_${id}`)]);
    const x4 = add(auto('add'), [x2, avg(`reduction_left4_${id}`, x1, 3, 1, 'same')]);
    const x5 = add(`reduction_add4_${id}`, [sepBlock(x1, f, 3, 1, `reduction_left4_${id}`), b.add('MaxPooling2D', `reduction_right5_${id}`, { pool_size: [3, 3], strides: [2, 2], padding: 'valid' }, h3)]);
    return [b.add('Concatenate', `reduction_concat_${id}`, { axis: 3 }, [x2, x3, x4, x5]), ip];
  };
  const filters = 1056 / 24;
  let x = bn('stem_bn1', b.add('Conv2D', 'stem_conv1', conv(32, 3, { strides: [2, 2], padding: 'valid', use_bias: false }), 'input_1'));
  let p = null;
  [x, p] = reduction(x, p, filters / 4, 'stem_1');
  [x, p] = reduction(x, p, filters / 2, 'stem_2');
  for (let i = 0; i < 4; i++) [x, p] = normal(x, p, filters, `${i}`);
  [x, p] = reduction(x, p, filters * 2, 'reduce_4');
  for (let i = 0; i < 4; i++) [x, p] = normal(x, p, filters * 2, `${4 + i + 1}`);
  [x, p] = reduction(x, p, filters * 4, 'reduce_8');
  for (let i = 0; i < 4; i++) [x, p] = normal(x, p, filters * 4, `${8 + i + 1}`);
  x = relu(x);
  x = b.add('GlobalAveragePooling2D', auto('global_average_pooling2d'), {}, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax', use_bias: true }, x);
  return b.finish(x);
}

const CASES = [
  { name: 'vgg16', build: () => vgg('vgg16', [2, 2, 3, 3, 3]), tap: 'block5_conv3' },
  { name: 'vgg19', build: () => vgg('vgg19', [2, 2, 4, 4, 4]), tap: 'block5_conv4' },
  { name: 'xception', build: xception, tap: 'block14_sepconv2_act' },
  { name: 'mobilenet_0.25_128', build: () => mobilenet(0.25, 128, true), tap: 'conv_pw_13_relu' },
  { name: 'mobilenet_0.25_224', build: () => mobilenet(0.25, 224, true), tap: 'conv_pw_13_relu' },
  { name: 'mobilenet_1.00_224', build: () => mobilenet(1.0, 224, true), tap: 'conv_pw_13_relu' },
  { name: 'mobilenet_0.25_224_no_top', build: () => mobilenet(0.25, 224, false), tap: 'conv_pw_13_relu', h5: 'mobilenet_0.25_224_no_top_seeded.h5' },
  // small inputs (Keras's min_size allows them with weights=None): the fixtures stay small
  { name: 'resnet50_64', application: 'resnet50', build: () => resnet('resnet50', [3, 4, 6, 3], false, 64), tap: 'conv5_block3_out' },
  // inputSeed: the case's own seed put a relu of the top logit's gradient on its kink (1e-6 of input
  // noise moved the gradient by 2 %, so float32 summation order decided the comparison); this
  // input is away from such ties
  { name: 'resnet101_32', application: 'resnet101', build: () => resnet('resnet101', [3, 4, 23, 3], false, 32), tap: 'conv4_block23_out', inputSeed: 'input/resnet101_32/4' },
  { name: 'resnet50v2_64', application: 'resnet50v2', build: () => resnet('resnet50v2', [3, 4, 6, 3], true, 64), tap: 'post_relu' },
  { name: 'mobilenetv2_0.35_96', application: 'mobilenetv2_0.35_96', build: () => mobilenetV2(0.35, 96), tap: 'out_relu' },
  // an odd size: correct_pad pads (1, 1) instead of (0, 1); alpha > 1 widens the last convolution
  { name: 'mobilenetv2_1.3_63', application: 'mobilenetv2_1.3_224', build: () => mobilenetV2(1.3, 63), tap: 'block_16_project_BN' },
  { name: 'efficientnetb0_64', application: 'efficientnetb0', build: () => efficientnet(0, 64), tap: 'top_activation', pixels: true },
  { name: 'efficientnetv2b0_64', application: 'efficientnetv2b0', build: () => efficientnetV2(0, 64), tap: 'top_activation', pixels: true },
  // B3 (width 1.2, depth 1.4; block1b is a fused block without expansion that adds its input) at
  // 32 px: seeded, its 12 residual blocks of stage 6 grow the activations, and at 48 px and more
  // float32 rounding differences grow with them (Java and TF.js part by 1e-5 at block6h, by 5 %
  // at the logits), so the case keeps the size where the network stays well conditioned; even
  // there tf.js layers' fused kernels sum in another order than the executor's ops (1.4e-5)
  { name: 'efficientnetv2b3_32', application: 'efficientnetv2b3', build: () => efficientnetV2(3, 32), tap: 'top_activation', pixels: true, layersTolerance: 5e-5 },
  { name: 'densenet121_64', application: 'densenet121', build: () => densenet([6, 12, 24, 16], 'densenet121', 64), tap: 'relu' },
  // the tap before the last dense block: its gradient runs back through 32 concatenations
  { name: 'densenet201_32', application: 'densenet201', build: () => densenet([6, 12, 48, 32], 'densenet201', 32), tap: 'pool4_conv' },
  // Keras's smallest InceptionV3 (75 px): mixed8-10 are 1x1 there, so the tap is mixed7 (3x3)
  { name: 'inceptionv3_75', application: 'inceptionv3', build: () => inceptionV3(75), tap: 'mixed7' },
  { name: 'nasnetmobile_64', application: 'nasnetmobile', build: () => nasnetMobile(64), tap: 'normal_concat_12' },
  { name: 'mobilenetv3small_64', application: 'mobilenetv3small', build: () => mobilenetV3(false, 1.0, false, 64), tap: 'activation_17', head: 'mobilenetv3', headActivation: 'hard_swish', pixels: true, noLayersCheck: 'tf.js 4.22 has no hard_swish activation and ignores GlobalAveragePooling2D keepdims (deviation 5)' },
  { name: 'mobilenetv3large_0.75_64', application: 'mobilenetv3large_0.75', build: () => mobilenetV3(true, 0.75, false, 64), tap: 'expanded_conv_14_project_bn', pixels: true, noLayersCheck: 'tf.js 4.22 has no hard_swish activation and ignores GlobalAveragePooling2D keepdims (deviation 5)' },
  { name: 'mobilenetv3large_minimalistic_64', application: 'mobilenetv3large_minimalistic', build: () => mobilenetV3(true, 1.0, true, 64), tap: 're_lu_30', head: 'mobilenetv3', headActivation: 'relu', pixels: true, noLayersCheck: 'tf.js 4.22 ignores GlobalAveragePooling2D keepdims (deviation 5)' },
  // wider and deeper (B3: width 1.2, depth 1.4) at an odd size
  { name: 'efficientnetb3_33', application: 'efficientnetb3', build: () => efficientnet(3, 33), tap: 'block7b_project_bn', pixels: true },
];

function makeWeights(b) {
  const weights = new Map();
  const arrays = new Map();
  let count = 0;
  for (const [layer, ws] of b.wshapes) {
    if (!ws.length) continue;
    const roles = {};
    const list = [];
    for (const [wn, shape] of ws) {
      const a = seededWeight(layer, wn, shape);
      roles[wn] = tf.tensor(a, shape);
      list.push([wn, shape, a]);
      count += a.length;
    }
    weights.set(layer, roles);
    arrays.set(layer, list);
  }
  return { weights, arrays, count };
}

async function runCase(cs) {
  const t0 = Date.now();
  const b = cs.build();
  const model = b.model;
  const dir = path.join(OUT, cs.name);
  fs.rmSync(dir, { recursive: true, force: true });
  const { weights, arrays, count } = makeWeights(b);
  const inShape = [1, ...model.inputShape.slice(1)];
  // models that rescale their own input take pixels in [0, 255]; the others preprocessed values
  const inputSeed = cs.inputSeed || 'input/' + cs.name;
  const x = cs.pixels ? C.uniformArray(inputSeed, inShape.slice(1), 0, 255) : C.uniformArray(inputSeed, inShape.slice(1));
  const xT = tf.tensor(x, inShape);
  const tw = Date.now();

  // forward, recording only the tap
  const record = new Map();
  const out = C.runModel(model, [() => xT], { weights, record: { set: (p, t) => { if (p === cs.tap) record.set(p, t); } } });
  const outData = out.dataSync().slice();
  const tapT = record.get(cs.tap);
  const tf1 = Date.now();
  const hasTop = out.shape.length === 2;

  const caseJson = {
    name: cs.name,
    application: cs.application || cs.name,
    keras_model_name: model.name,
    architecture: cs.name.startsWith('mobilenet') ? 'keras.applications MobileNet v1 (tf.keras 2.4 layer names)'
      : cs.application ? `keras.applications ${cs.application} (Keras 3 source, keras/src/applications), at ${inShape[1]}x${inShape[2]}`
        : `keras.applications ${cs.name} (tf.keras 2.4 layer names)`,
    input_shape: inShape,
    weights: 'seeded (tools/reference/README.md, "Seeded weights"): seed = fnv1a("<layer>/<weight>"), mulberry32',
    weight_count: count,
    layers: model.nodes.map((n) => n.name),
    layers_with_weights: [...arrays.keys()].map((l) => ({ layer: l, weights: arrays.get(l).map(([wn, s]) => `${wn} ${JSON.stringify(s)}`) })),
    input: { file: 'input.npy', shape: inShape, fed: cs.pixels ? `uniform(0,255) pixels (the model rescales them): fround(255*u), u from mulberry32(fnv1a("${inputSeed}")), one draw per element in C order`
      : `uniform(-1,1): fround(2*u - 1), u from mulberry32(fnv1a("${inputSeed}")), one draw per element in C order` },
    output: { file: 'output.npy', shape: out.shape },
  };
  C.writeNpy(dir, 'input.npy', inShape, x);
  C.writeNpy(dir, 'output.npy', out.shape, outData);
  caseJson.tap = cs.tap;
  caseJson.tap_shape = tapT.shape;
  caseJson.tap_output = C.writeNpy(dir, 'tap_output.npy', tapT.shape, tapT.dataSync());

  let fdWorst = null;
  if (hasTop) {
    const top = C.argmax(outData);
    caseJson.top5 = C.topk(outData, 5).map(([i, p]) => ({ class: i, probability: p }));
    const mask = tf.oneHot([top], out.shape[1]).toFloat();
    const head = (t) => tf.sum(C.runModel(model, [() => xT], { weights, override: new Map([[cs.tap, t]]) }, '', true).mul(mask));
    const g = tf.grad(head)(tapT);
    const gd = g.dataSync().slice();
    caseJson.tap_grad_logit = C.writeNpy(dir, 'tap_grad_logit.npy', tapT.shape, gd);
    caseJson.tap_grad_logit_score = `d logit[0, ${top}] / d tap, logit = the input of the final softmax (layer predictions)`;
    const logit = head(tapT).dataSync()[0];
    caseJson.top_logit = logit;
    const fd = C.fdCheck(head, tapT, gd, `fd/${cs.name}`, 2, true);
    fdWorst = Math.max(...fd.map((r) => r.err));
    caseJson.tap_grad_logit_fd_worst_rel_err = Number(fdWorst.toPrecision(3));
    if (cs.name.startsWith('vgg')) {
      // independent float64 backprop of the VGG head (pool -> flatten -> fc1 -> fc2 -> predictions);
      // float32 central differences through two 4096-wide ReLU layers are too noisy to be the gate here
      const r = vggHeadGrad64(tapT, arrays, top);
      const d = C.maxAbsDiff(gd, r.grad) / C.maxAbs(r.grad);
      caseJson.tap_grad_logit_float64_max_rel_diff = Number(d.toPrecision(3));
      caseJson.top_logit_float64 = r.logit;
      if (!(d <= 1e-4)) fail(cs.name, 'tap_grad_logit vs float64 head backprop: rel ' + d);
      if (!(Math.abs(r.logit - logit) <= 1e-4 * Math.max(1, Math.abs(r.logit)))) fail(cs.name, `logit ${logit} vs float64 ${r.logit}`);
    } else if (cs.head === 'mobilenetv3') {
      // tap -> GAP -> conv_2 (1x1) -> relu or hard_swish -> logits (1x1): the gradient in float64
      // (a logit in the thousands makes float32 central differences noise)
      const r = mobilenetV3HeadGrad64(tapT, arrays, cs.headActivation, top);
      const d = C.maxAbsDiff(gd, r.grad) / C.maxAbs(r.grad);
      caseJson.tap_grad_logit_float64_max_rel_diff = Number(d.toPrecision(3));
      caseJson.top_logit_float64 = r.logit;
      if (!(d <= 1e-4)) fail(cs.name, 'tap_grad_logit vs float64 MobileNetV3 head: rel ' + d);
      if (!(Math.abs(r.logit - logit) <= 1e-4 * Math.max(1, Math.abs(r.logit)))) fail(cs.name, `logit ${logit} vs float64 ${r.logit}`);
    } else if (gapDenseHead(model, cs.tap)) {
      // the head is linear (tap -> GlobalAveragePooling2D -> Dense): d logit / d tap = K[:, c] / (H*W)
      // exactly, computed in float64; central differences of a logit in the thousands are float32 noise
      const r = gapDenseHeadGrad64(tapT, arrays, gapDenseHead(model, cs.tap), top);
      const d = C.maxAbsDiff(gd, r.grad) / C.maxAbs(r.grad);
      caseJson.tap_grad_logit_float64_max_rel_diff = Number(d.toPrecision(3));
      caseJson.top_logit_float64 = r.logit;
      if (!(d <= 1e-5)) fail(cs.name, 'tap_grad_logit vs float64 GAP-Dense head: rel ' + d);
      if (!(Math.abs(r.logit - logit) <= 1e-5 * Math.max(1, Math.abs(r.logit)))) fail(cs.name, `logit ${logit} vs float64 ${r.logit}`);
    } else if (!(fdWorst <= 2e-2)) fail(cs.name, 'FD: ' + JSON.stringify(fd));
    // logits through the softmax reproduce the output
    const lg = C.runModel(model, [() => xT], { weights, override: new Map([[cs.tap, tapT]]) }, '', true);
    const d = C.maxAbsDiff(tf.softmax(lg).dataSync(), outData);
    if (d > 1e-6) fail(cs.name, 'softmax(logits) != output: ' + d);
    const lgd = lg.dataSync().slice();
    caseJson.logits = C.writeNpy(dir, 'logits.npy', lg.shape, lgd);
    caseJson.top5_by_logit = C.topk(lgd, 5).map(([i, v]) => ({ class: i, logit: v }));
    if (C.argmax(lgd) !== top) fail(cs.name, 'argmax(logits) != argmax(output)');
    if (cs.name.startsWith('vgg')) {
      const ties = pool2x2Ties(tapT);
      caseJson.max_pool_ties = `${ties} of ${C.size(tapT.shape) / 4} block5_pool windows have a tied maximum (mostly all-zero ReLU outputs); ` +
        'their gradient goes to the FIRST maximum in row-major window order, as TensorFlow CPU MaxPoolGrad and tf.js do (the others get 0); FD directions skip tap elements equal to 0';
    }
    const ties = caseJson.top5.filter((t) => t.probability === caseJson.top5[4].probability).length;
    if (ties > 1) caseJson.top5_note = `softmax saturated in float32 (${ties} of the top-5 probabilities are equal): compare top5_by_logit`;
  } else {
    caseJson.tap_grad_logit = null;
    caseJson.tap_note = 'no top: the output is the tap (conv_pw_13_relu)';
  }
  const tg = Date.now();

  // cross-check against tf.js layers built from the same Keras JSON
  let layersDiff = null;
  if (cs.noLayersCheck) caseJson.tfjs_layers_check_skipped = cs.noLayersCheck;
  else if (!process.env.SKIP_LAYERS) {
    const tm = await tf.models.modelFromJSON({ modelTopology: tfjsLayersJson(model, arrays) });
    KH.setTfjsWeights(tm, weights);
    const p = tm.predict(xT);
    layersDiff = C.relDiff(p.dataSync(), outData);
    tf.dispose(p);
    tm.dispose();
    if (!(layersDiff <= (cs.layersTolerance || 1e-5))) fail(cs.name, 'tf.js layers predict differs: rel ' + layersDiff);
    if (cs.layersTolerance) caseJson.tfjs_layers_tolerance = cs.layersTolerance;
  }
  caseJson.tfjs_layers_max_rel_diff = layersDiff;
  caseJson.checks = 'output = tf.models.modelFromJSON(same Keras JSON, same weights).predict within 1e-5 relative; tap_grad_logit vs central finite differences (2 directions)';
  const tl = Date.now();
  caseJson.deviations_worked_around = cs.name.startsWith('mobilenet')
    ? ['ReLU(max_value=6) as tf.relu6 (tf.js ReLU layer ignores negative_slope/threshold; not used here)', 'BatchNormalization inference with plain ops, eps 1e-3']
    : cs.name === 'xception' ? ['BatchNormalization inference with plain ops, eps 1e-3', 'SeparableConv2D = depthwiseConv2d + 1x1 conv2d']
      : cs.application ? ['BatchNormalization inference with plain ops, with the epsilon of the architecture'] : [];
  const timing = { weights_s: (tw - t0) / 1000, forward_s: (tf1 - tw) / 1000, grad_and_fd_s: (tg - tf1) / 1000, tfjs_layers_check_s: (tl - tg) / 1000 };
  C.writeJson(path.join(dir, 'case.json'), caseJson);

  if (cs.h5) await writeWeightsH5(path.join(OUT, cs.h5), model, arrays, cs.name);

  for (const r of weights.values()) for (const t of Object.values(r)) t.dispose();
  console.log(JSON.stringify({ case: cs.name, top5: caseJson.top5 && caseJson.top5.map((t) => t.class), layers: layersDiff, fd: fdWorst, timing }));
  return timing;
}

// ---------------------------------------------------------------------------------------------
// Weights-only .h5 in the keras.applications layout (Keras 2.0.4 save_weights).
// ---------------------------------------------------------------------------------------------
async function writeWeightsH5(file, model, arrays, caseName) {
  const h5 = await C.h5();
  fs.rmSync(file, { force: true });
  const f = new h5.File(file, 'w');
  const names = model.nodes.map((n) => n.name);
  const maxLen = Math.max(...names.map((n) => n.length));
  f.create_attribute('backend', 'tensorflow', null, 'A');
  f.create_attribute('keras_version', '2.0.4', null, 'A');
  f.create_attribute('layer_names', names, [names.length], 'A' + maxLen);
  for (const ln of names) {
    const g = f.create_group(ln);
    const list = arrays.get(ln) || [];
    if (!list.length) { g.create_attribute('weight_names', new Float64Array(0), [0], '<d'); continue; }
    const wnames = list.map(([wn]) => `${ln}/${wn}:0`);
    g.create_attribute('weight_names', wnames, [wnames.length], 'A' + Math.max(...wnames.map((s) => s.length)));
    const sub = g.create_group(ln);
    for (const [wn, shape, a] of list) sub.create_dataset({ name: `${wn}:0`, data: a, shape, dtype: '<f' });
  }
  f.close();
  const patched = require('./h5fix').zeroObjectTimes(file);
  if (patched < names.length) fail(caseName, `h5: only ${patched} object headers had their times zeroed`);
  C.written.push({ file, bytes: fs.statSync(file).size });
  // read back, compare every dataset, and compare the structure with the real file
  const r = new h5.File(file, 'r');
  const rn = KH.strList(r.attrs.layer_names);
  if (rn.join(',') !== names.join(',')) fail(caseName, 'h5 layer_names read back differ');
  for (const [ln, list] of arrays) for (const [wn, , a] of list) {
    const ds = r.get(`${ln}/${ln}/${wn}:0`);
    if (!ds || C.maxAbsDiff(ds.value, a) !== 0) fail(caseName, `h5 dataset ${ln}/${wn} differs on read-back`);
  }
  const mine = describeH5(r, 'conv1', 'conv1_relu');
  r.close();
  if (fs.existsSync(REAL_MOBILENET)) {
    const real = new h5.File(REAL_MOBILENET, 'r');
    const theirs = describeH5(real, 'conv1', 'conv1_relu');
    const realNames = KH.strList(real.attrs.layer_names);
    real.close();
    const diffs = [];
    for (const k of Object.keys(theirs)) if (JSON.stringify(theirs[k]) !== JSON.stringify(mine[k])) diffs.push({ what: k, real: theirs[k], ours: mine[k] });
    const onlyReal = realNames.filter((n) => !names.includes(n));
    const onlyOurs = names.filter((n) => !realNames.includes(n));
    const report = { file: path.basename(file), compared_with: path.basename(REAL_MOBILENET), structure_differences: diffs, layers_only_in_real_file: onlyReal, layers_only_in_ours: onlyOurs };
    C.writeJson(path.join(OUT, cs2json(file)), report);
    console.log('h5 structure vs real file: ' + JSON.stringify(report));
  }
}
function cs2json(file) { return path.basename(file).replace(/\.h5$/, '.structure.json'); }
function attrDesc(a) {
  const m = a.metadata;
  return { dtype: a.dtype, shape: a.shape, cset: m.cset, strpad: m.strpad, vlen: m.vlen, size: m.size };
}
function describeH5(f, weighted, unweighted) {
  const d = {};
  for (const k of ['backend', 'keras_version', 'layer_names']) d['/ @' + k] = attrDesc(f.attrs[k]);
  d[`/${weighted} @weight_names`] = attrDesc(f.get(weighted).attrs.weight_names);
  d[`/${unweighted} @weight_names`] = attrDesc(f.get(unweighted).attrs.weight_names);
  const wn = KH.strList(f.get(weighted).attrs.weight_names)[0];
  const ds = f.get(`${weighted}/${wn}`);
  d[`/${weighted}/${wn}`] = { dtype: ds.dtype, shape: ds.shape, layout: ds.metadata && ds.metadata.chunks ? 'chunked' : 'contiguous' };
  d['weight_names of ' + weighted] = KH.strList(f.get(weighted).attrs.weight_names);
  return d;
}

// float64 forward + backward of the VGG head for the logit of class c, max-pool gradient to the
// first maximum of each 2x2 window in row-major order
function vggHeadGrad64(tapT, arrays, c) {
  const [, H, W, Cc] = tapT.shape;
  const t = tapT.dataSync();
  const Ho = H >> 1, Wo = W >> 1;
  const p = new Float64Array(Ho * Wo * Cc), arg = new Int32Array(p.length);
  for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) for (let k = 0; k < Cc; k++) {
    let best = -Infinity, bi = -1;
    for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) {
      const idx = ((2 * i + di) * W + 2 * j + dj) * Cc + k;
      if (t[idx] > best) { best = t[idx]; bi = idx; }
    }
    const o = (i * Wo + j) * Cc + k; p[o] = best; arg[o] = bi;
  }
  const get = (l, w) => arrays.get(l).find((e) => e[0] === w)[2];
  const dense = (x, K, b, n) => { const y = Float64Array.from(b); const m = x.length; for (let i = 0; i < m; i++) { const xi = x[i]; if (xi === 0) continue; const o = i * n; for (let j = 0; j < n; j++) y[j] += xi * K[o + j]; } return y; };
  const K1 = get('fc1', 'kernel'), K2 = get('fc2', 'kernel'), K3 = get('predictions', 'kernel');
  const z1 = dense(p, K1, get('fc1', 'bias'), 4096); const a1 = z1.map((v) => Math.max(v, 0));
  const z2 = dense(a1, K2, get('fc2', 'bias'), 4096); const a2 = z2.map((v) => Math.max(v, 0));
  let logit = get('predictions', 'bias')[c];
  for (let i = 0; i < 4096; i++) logit += a2[i] * K3[i * 1000 + c];
  const g2 = new Float64Array(4096); for (let i = 0; i < 4096; i++) g2[i] = z2[i] > 0 ? K3[i * 1000 + c] : 0;
  const g1 = new Float64Array(4096); for (let i = 0; i < 4096; i++) { if (!(z1[i] > 0)) continue; let s = 0; const o = i * 4096; for (let j = 0; j < 4096; j++) s += K2[o + j] * g2[j]; g1[i] = s; }
  const grad = new Float64Array(t.length);
  for (let i = 0; i < p.length; i++) { let s = 0; const o = i * 4096; for (let j = 0; j < 4096; j++) s += K1[o + j] * g1[j]; grad[arg[i]] += s; }
  return { grad, logit };
}

// The model's Keras JSON for tf.models.modelFromJSON. tf.js 4.22 has no Normalization layer: for
// this cross-check only, each becomes the Rescaling it amounts to, scale 1/max(sqrt(variance), 1e-7)
// and offset -mean*scale per channel, from the same seeded weights.
function tfjsLayersJson(model, arrays) {
  const json = KH.toKeras2Json(model);
  for (const l of json.config.layers) {
    if (l.class_name !== 'Normalization') continue;
    const get = (w) => arrays.get(l.name).find((e) => e[0] === w)[2];
    const mean = l.config.mean || get('mean'), variance = l.config.variance || get('variance');
    const scale = Array.from(variance, (v) => 1 / Math.max(Math.sqrt(v), 1e-7));
    l.class_name = 'Rescaling';
    l.config = { name: l.name, trainable: true, dtype: 'float32', scale, offset: Array.from(mean, (m, i) => -m * scale[i]) };
  }
  return json;
}

// The Dense layer when the tap feeds only a GlobalAveragePooling2D that feeds only the final Dense
// (through Dropout layers, the identity at inference)
function gapDenseHead(model, tap) {
  const readers = (n) => model.nodes.filter((m) => m.inbound.includes(n));
  const pool = readers(tap);
  if (pool.length !== 1 || pool[0].class_name !== 'GlobalAveragePooling2D') return null;
  let dense = readers(pool[0].name);
  while (dense.length === 1 && dense[0].class_name === 'Dropout') dense = readers(dense[0].name);
  if (dense.length !== 1 || dense[0].class_name !== 'Dense' || model.outputs[0] !== dense[0].name) return null;
  return dense[0].name;
}
// MobileNetV3's classifier in float64: p = mean_hw(tap); z = p K2 + b2; a = act(z); logit_c = a K3[:, c] + b3[c]
function mobilenetV3HeadGrad64(tapT, arrays, act, c) {
  const [, H, W, Cc] = tapT.shape;
  const t = tapT.dataSync();
  const get = (l, w) => arrays.get(l).find((e) => e[0] === w)[2];
  const K2 = get('conv_2', 'kernel'), b2 = get('conv_2', 'bias'), K3 = get('logits', 'kernel'), b3 = get('logits', 'bias');
  const n2 = b2.length, n3 = b3.length;
  const p = new Float64Array(Cc);
  for (let i = 0; i < t.length; i++) p[i % Cc] += t[i] / (H * W);
  const f = act === 'relu' ? (z) => Math.max(z, 0) : (z) => z * Math.min(Math.max(z + 3, 0), 6) / 6;
  const df = act === 'relu' ? (z) => (z > 0 ? 1 : 0) : (z) => (z <= -3 ? 0 : z >= 3 ? 1 : (2 * z + 3) / 6);
  let logit = b3[c];
  const g = new Float64Array(n2);
  for (let j = 0; j < n2; j++) {
    let z = b2[j];
    for (let k = 0; k < Cc; k++) z += p[k] * K2[k * n2 + j];
    logit += f(z) * K3[j * n3 + c];
    g[j] = df(z) * K3[j * n3 + c];
  }
  const grad = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const k = i % Cc;
    let s = 0;
    for (let j = 0; j < n2; j++) s += K2[k * n2 + j] * g[j];
    grad[i] = s / (H * W);
  }
  return { grad, logit };
}

function gapDenseHeadGrad64(tapT, arrays, dense, c) {
  const [, H, W, Cc] = tapT.shape;
  const t = tapT.dataSync();
  const K = arrays.get(dense).find((e) => e[0] === 'kernel')[2];
  const units = K.length / Cc;
  let logit = arrays.get(dense).find((e) => e[0] === 'bias')[2][c];
  const grad = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const k = i % Cc;
    logit += t[i] * K[k * units + c] / (H * W);
    grad[i] = K[k * units + c] / (H * W);
  }
  return { grad, logit };
}

function pool2x2Ties(t) {
  const [, H, W, Cc] = t.shape;
  const a = t.dataSync();
  let n = 0;
  for (let i = 0; i + 1 < H; i += 2) for (let j = 0; j + 1 < W; j += 2) for (let c = 0; c < Cc; c++) {
    const v = [a[(i * W + j) * Cc + c], a[(i * W + j + 1) * Cc + c], a[((i + 1) * W + j) * Cc + c], a[((i + 1) * W + j + 1) * Cc + c]];
    const m = Math.max(...v);
    if (v.filter((x) => x === m).length > 1) n++;
  }
  return n;
}

async function main() {
  await C.initTf();
  const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
  const timings = {};
  for (const cs of CASES) {
    if (only && !only.test(cs.name)) continue;
    try { timings[cs.name] = await runCase(cs); } catch (e) { fail(cs.name, e.stack); }
  }
  if (!only) C.writeJson(path.join(OUT, 'index.json'), { generator: 'tools/reference/applications.js', cases: CASES.map((c) => c.name), weights_file: CASES.filter((c) => c.h5).map((c) => c.h5) });
  const bytes = C.written.reduce((a, w) => a + w.bytes, 0);
  console.log(`wrote ${C.written.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  if (failures.length) { console.error(failures.length + ' failure(s)'); process.exit(1); }
}
// methods.js builds the seeded models through these (running this file still does what it did)
module.exports = { CASES, makeWeights, seededWeight, mobilenet, vgg, xception };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
