#!/usr/bin/env node
// Reference numbers for a model with several outputs and for a feature extractor (issue 16).
//
//   cd tools/reference && npm ci && node heads.js
//
// * age_gender_two_heads.h5 (../shared/corpus/models, Keras 3.7 legacy h5, two outputs): every
//   head's output, and for each head a Grad-CAM at the last spatial layer of the score of its top
//   class (the logit of a softmax head, the value of a head without activation), written to
//   testdata/corpus/age_gender_two_heads/heads.json (+ .npy). corpus.js leaves that file to this
//   script (its case.json format has one output).
// * keras_app_mobilenet_2_5_224_tf_no_top.h5 (the genuine keras.applications MobileNet 0.25
//   weights without their top, Keras 2.0.4 weights-only layout) on a real photo (both.png of the
//   corpus, 224x224, preprocessed as tf: x/127.5 - 1): the features, their global average
//   (pooling='avg'), and Grad-CAMs of the scores "sum" (every feature added) and "channel:K" (the
//   channel with the largest sum), written to testdata/applications/mobilenet_0.25_224_no_top_genuine/.
//
// Everything comes from TF.js: the op-level Keras executor of common.js (tf.js cpu ops), tf.grad
// for the gradients (checked by central differences), the Grad-CAM formula in float64 JS. The
// two-heads model is also cross-checked against tf.models.modelFromJSON. Skipped (exit 0, with a
// note) when the corpus is absent; exits 1 when a self-check fails.
'use strict';

const fs = require('fs');
const path = require('path');
const C = require('./common');
const KH = require('./keras_h5');
const A = require('./applications');
const { tf } = C;

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const failures = [];
function fail(name, msg) { failures.push(`${name}: ${msg}`); console.error(`FAIL ${name}: ${msg}`); }

// Grad-CAM of a tap A (1,h,w,K) and its gradient G: ReLU(sum_k mean(G_k) A_k), divided by its
// maximum (all zeros when nothing is positive), in float64.
function gradCam(tapT, gradData) {
  const [, h, w, K] = tapT.shape;
  const a = tapT.dataSync();
  const Z = h * w;
  const alpha = new Float64Array(K);
  for (let p = 0; p < Z; p++) for (let k = 0; k < K; k++) alpha[k] += gradData[p * K + k] / Z;
  const cam = new Float64Array(Z);
  let max = 0;
  for (let p = 0; p < Z; p++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += alpha[k] * a[p * K + k];
    cam[p] = Math.max(s, 0);
    max = Math.max(max, cam[p]);
  }
  return { map: Float32Array.from(cam, (v) => (max > 0 ? v / max : 0)), max, shape: [h, w] };
}

// d score / d tap by tf.grad, with its finite-difference check; score(t) runs the model from the tap.
function tapGradient(name, score, tapT, zeroMask) {
  const g = tf.grad(score)(tapT).dataSync().slice();
  const fd = C.fdCheck(score, tapT, g, `fd/${name}`, 2, zeroMask);
  const worst = Math.max(...fd.map((r) => r.err));
  if (!(worst <= 2e-2)) fail(name, 'finite differences: ' + JSON.stringify(fd));
  return { grad: g, fdWorst: Number(worst.toPrecision(3)) };
}

// ---------------------------------------------------------------------------------------------
// age_gender_two_heads.h5: two outputs
// ---------------------------------------------------------------------------------------------
async function twoHeads(h5) {
  const stem = 'age_gender_two_heads';
  const full = path.join(CORPUS, 'models', stem + '.h5');
  if (!fs.existsSync(full)) { console.log(`${stem}: ${full} is absent, skipped`); return; }
  const dir = path.join(ROOT, 'testdata', 'corpus', stem);
  fs.rmSync(dir, { recursive: true, force: true });
  const f = new h5.File(full, 'r');
  const mc = JSON.parse(KH.attrValue(f.attrs.model_config));
  const model = KH.buildModel(mc);
  const { weights } = KH.readWeights(f, model, '/model_weights');
  f.close();

  // input: a random 8-bit image, x/255 (the corpus README's preprocessing for this model)
  const inShape = model.inputShape.slice(1);
  const img = C.imageU8('image/' + stem, inShape);
  const x = Float32Array.from(img, (v) => v / 255);
  const xT = tf.tensor(x, [1, ...inShape]);
  C.writeNpy(dir, 'input.npy', [1, ...inShape], x);

  // every layer recorded once, from the first head; the tap is the last spatial leaf layer
  const record = new Map();
  const headModel = (h) => ({ ...model, outputs: [h] });
  model.outputs.forEach((h) => C.runModel(headModel(h), [() => xT], { weights, record }));
  const spatial = C.leafPaths(model).filter((l) => record.has(l.path))
    .filter((l) => { const s = record.get(l.path).shape; return s.length === 4 && s[1] * s[2] > 1; });
  const tap = spatial[spatial.length - 1].path;
  const tapT = record.get(tap);
  C.writeNpy(dir, 'tap_output.npy', tapT.shape, tapT.dataSync());

  // the same model through tf.js layers (one predict gives every head)
  const tm = await tf.models.modelFromJSON({ modelTopology: KH.toKeras2Json(model) });
  KH.setTfjsWeights(tm, weights);
  let layersPredict = tm.predict(xT);
  if (!Array.isArray(layersPredict)) layersPredict = [layersPredict];

  const heads = [];
  model.outputs.forEach((h, i) => {
    const mh = headModel(h);
    const out = record.get(h);
    const values = out.dataSync().slice();
    const layersDiff = C.relDiff(layersPredict[i].dataSync(), values);
    if (!(layersDiff <= 1e-5)) fail(`${stem}/${h}`, `tf.js layers predict differs from the executor: rel ${layersDiff}`);
    const activation = C.finalActivation(mh);
    const softmax = activation === 'softmax';
    if (!softmax && activation !== 'linear') fail(`${stem}/${h}`, 'final activation ' + activation + ' not handled here');
    const cls = C.argmax(values);
    const mask = tf.tensor(Float32Array.from(values, (_, j) => (j === cls ? 1 : 0)), out.shape);
    const score = (t) => tf.sum(C.runModel(mh, [() => xT], { weights, override: new Map([[tap, t]]) }, '', softmax).mul(mask));
    const { grad, fdWorst } = tapGradient(`${stem}/${h}`, score, tapT, true);
    const cam = gradCam(tapT, grad);
    const head = {
      name: h,
      activation: softmax ? 'softmax' : 'none',
      output: C.writeNpy(dir, `${h}.output.npy`, out.shape, values),
      output_shape: out.shape,
      values: Array.from(values),
      tfjs_layers_max_rel_diff: layersDiff,
      class: cls,
      score: softmax ? 'logit' : 'output',
      tap_grad: C.writeNpy(dir, `${h}.tap_grad.npy`, tapT.shape, grad),
      tap_grad_fd_worst_rel_err: fdWorst,
      gradcam: C.writeNpy(dir, `${h}.gradcam.npy`, cam.shape, cam.map),
      gradcam_max_before_normalisation: cam.max,
    };
    if (softmax) {
      const lg = C.runModel(mh, [() => xT], { weights }, '', true).dataSync().slice();
      head.logits = C.writeNpy(dir, `${h}.logits.npy`, out.shape, lg);
      head.score_value = lg[cls];
    } else {
      head.score_value = values[cls];
    }
    heads.push(head);
  });
  C.writeJson(path.join(dir, 'heads.json'), {
    file: stem + '.h5',
    sha256: C.sha256File(full),
    generator: 'tools/reference/heads.js',
    input: { file: 'input.npy', shape: [1, ...inShape], fed: `random 8-bit image: v = floor(256*u), u from mulberry32(fnv1a("image/${stem}")), ` +
      'one draw per element in (H,W,C) C order; x/255 computed in double, rounded once to float32' },
    tap,
    tap_shape: tapT.shape,
    tap_output: 'tap_output.npy',
    outputs: model.outputs,
    heads,
    gradcam: 'ReLU(sum_k mean_{h,w}(dS/dA_k) A_k) / max, float64 (all zeros when nothing is positive); S = the logit of the top class ' +
      '(softmax head) or the output value of the top unit (head without activation); dS/dA by tf.grad with the tap overridden',
  });
  console.log(JSON.stringify({ stem, tap, heads: heads.map((h) => ({ name: h.name, class: h.class, score: h.score_value, fd: h.tap_grad_fd_worst_rel_err })) }));
}

// ---------------------------------------------------------------------------------------------
// keras_app_mobilenet_2_5_224_tf_no_top.h5: genuine weights, features of a real photo
// ---------------------------------------------------------------------------------------------

// The file's layers with weights, in order, onto the builder's, in order (Keras's topological
// load_weights for h5 files); every shape must agree.
function genuineWeights(f, b, name) {
  const theirs = KH.strList(f.attrs.layer_names).map((l) => [l, KH.strList(f.get(l).attrs.weight_names)]).filter(([, w]) => w.length);
  const ours = [...b.wshapes].filter(([, ws]) => ws.length);
  if (theirs.length !== ours.length) throw new Error(`${name}: ${theirs.length} layers with weights in the file, ${ours.length} in the builder`);
  const weights = new Map();
  ours.forEach(([layer, ws], i) => {
    const [fileLayer, names] = theirs[i];
    const roles = {};
    names.forEach((wn, j) => {
      const ds = f.get(fileLayer).get(wn);
      if (JSON.stringify(ds.shape) !== JSON.stringify(ws[j][1])) throw new Error(`${name}: ${fileLayer}/${wn} ${ds.shape} vs ${layer} ${ws[j][1]}`);
      roles[KH.roleOf(wn)] = tf.tensor(Float32Array.from(ds.value), ds.shape);
    });
    weights.set(layer, roles);
  });
  return { weights, layers: ours.length };
}

async function genuineMobileNet(h5) {
  const name = 'mobilenet_0.25_224_no_top_genuine';
  const file = path.join(CORPUS, 'models', 'keras_app_mobilenet_2_5_224_tf_no_top.h5');
  const photo = path.join(CORPUS, 'images', 'demo', 'both.png');
  if (!fs.existsSync(file) || !fs.existsSync(photo)) { console.log(`${name}: ${file} or ${photo} is absent, skipped`); return; }
  const dir = path.join(ROOT, 'testdata', 'applications', name);
  fs.rmSync(dir, { recursive: true, force: true });
  const b = A.mobilenet(0.25, 224, false);
  const model = b.model;
  const f = new h5.File(file, 'r');
  const { weights, layers } = genuineWeights(f, b, name);
  f.close();

  const png = C.decodePng(photo);
  if (png.w !== 224 || png.h !== 224 || png.channels !== 3) throw new Error(`${photo}: ${png.w}x${png.h}x${png.channels}, not 224x224 RGB`);
  const x = Float32Array.from(png.data, (v) => v / 127.5 - 1);
  const xT = tf.tensor(x, [1, 224, 224, 3]);
  C.writeNpy(dir, 'input.npy', [1, 224, 224, 3], x);

  const tap = 'conv_pw_12_relu';
  const record = new Map();
  const out = C.runModel(model, [() => xT], { weights, record });
  const features = out.dataSync().slice();
  const tapT = record.get(tap);
  const [, h, w, K] = out.shape;
  const sums = new Float64Array(K);
  for (let p = 0; p < h * w; p++) for (let k = 0; k < K; k++) sums[k] += features[p * K + k];
  const pooled = Float32Array.from(sums, (s) => s / (h * w));
  const channel = C.argmax(sums);

  const fromTap = (t) => C.runModel(model, [() => xT], { weights, override: new Map([[tap, t]]) });
  const mask = tf.oneHot(tf.fill([h * w], channel, 'int32'), K).reshape(out.shape).toFloat();
  const scores = {
    sum: (t) => tf.sum(fromTap(t)),
    [`channel:${channel}`]: (t) => tf.sum(fromTap(t).mul(mask)),
  };
  const explained = {};
  for (const [score, fn] of Object.entries(scores)) {
    const { grad, fdWorst } = tapGradient(`${name}/${score}`, fn, tapT, true);
    const cam = gradCam(tapT, grad);
    const key = score.replace(':', '_');
    explained[score] = {
      score_value: fn(tapT).dataSync()[0],
      tap_grad: C.writeNpy(dir, `${key}.tap_grad.npy`, tapT.shape, grad),
      tap_grad_fd_worst_rel_err: fdWorst,
      gradcam: C.writeNpy(dir, `${key}.gradcam.npy`, cam.shape, cam.map),
      gradcam_max_before_normalisation: cam.max,
    };
  }
  C.writeJson(path.join(dir, 'case.json'), {
    name,
    weights: { file: path.basename(file), sha256: C.sha256File(file), layers_with_weights: layers,
      loaded: "in order onto the builder's layers with weights (Keras's topological load_weights for h5 files), every shape checked" },
    architecture: 'keras.applications MobileNet v1, alpha 0.25, 224, include_top=False (applications.js builder)',
    input: { file: 'input.npy', shape: [1, 224, 224, 3], image: '../shared/corpus/images/demo/both.png',
      fed: 'decoded by common.js decodePng (224x224 RGB, no resizing), tf preprocessing x/127.5 - 1 in double, rounded once to float32' },
    output: { file: 'output.npy', shape: out.shape, layer: 'conv_pw_13_relu' },
    pooled_avg: { file: 'pooled_avg.npy', shape: [1, K], what: "pooling='avg': the mean of each channel over the 7x7 positions (float64, rounded to float32)" },
    tap,
    tap_shape: tapT.shape,
    tap_output: C.writeNpy(dir, 'tap_output.npy', tapT.shape, tapT.dataSync()),
    channel,
    scores: explained,
    gradcam: 'ReLU(sum_k mean_{h,w}(dS/dA_k) A_k) / max, float64; S = sum of every output value ("sum") or of channel K over ' +
      'the 7x7 positions ("channel:K", K = the channel with the largest sum); dS/dA by tf.grad with the tap overridden',
  });
  C.writeNpy(dir, 'output.npy', out.shape, features);
  C.writeNpy(dir, 'pooled_avg.npy', [1, K], pooled);
  console.log(JSON.stringify({ name, channel, sum: explained.sum.score_value, fd: Object.values(explained).map((e) => e.tap_grad_fd_worst_rel_err) }));
}

async function main() {
  await C.initTf();
  const h5 = await C.h5();
  if (!fs.existsSync(CORPUS)) { console.log('corpus not found at ' + CORPUS + ': nothing to do'); return; }
  await twoHeads(h5);
  tf.disposeVariables();
  await genuineMobileNet(h5);
  const bytes = C.written.reduce((a, w) => a + w.bytes, 0);
  console.log(`wrote ${C.written.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  if (failures.length) { console.error(failures.length + ' failure(s)'); process.exit(1); }
}
main().catch((e) => { console.error(e); process.exit(1); });
