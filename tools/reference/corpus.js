#!/usr/bin/env node
// Reference outputs for the real Keras files in ../shared/corpus/models/ (task "corpus").
//
//   cd tools/reference && npm ci && node corpus.js [regex]
//
// For every full-model .h5 (model_config present) the file is read with h5wasm, the model is
// evaluated with the op-level Keras executor of common.js (tf.js cpu ops, Keras semantics) and
// cross-checked against tf.models.modelFromJSON(...).predict on the same weights (for Keras 1
// and Keras 3 configs the JSON is first normalized to Keras 2 spelling). Writes
// testdata/corpus/<stem>/{case.json,input.npy,output.npy,tap_output.npy,tap_grad.npy[,tap_grad_logit.npy]}.
// The corpus files themselves are never copied. Exits 1 on any failed self-check.
'use strict';

const fs = require('fs');
const path = require('path');
const C = require('./common');
const KH = require('./keras_h5');
const { tf } = C;

const CORPUS = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus');
const MODELS = path.join(CORPUS, 'models');
const OUT = path.resolve(__dirname, '..', '..', 'testdata', 'corpus');

// Input fed to each model: README's preprocessing column. Everything else: uniform(-1,1).
const IMAGE_PREP = {
  tm_cat_dog: { channels: 3, prep: 'x/127.5 - 1', f: (x) => x / 127.5 - 1 },
  potato_disease: { channels: 3, prep: 'raw 0..255 (the model rescales itself)', f: (x) => x },
  fer2013_mini_xception: { channels: 1, prep: '(x/255 - 0.5)*2', f: (x) => (x / 255 - 0.5) * 2 },
  keras3_lenet5_mnist: { channels: 1, prep: 'x/255', f: (x) => x / 255 },
};
// files whose reference another script writes (into the same folder, as heads.json)
const ELSEWHERE = {
  'age_gender_two_heads.h5': 'several outputs: written by heads.js (testdata/corpus/age_gender_two_heads/heads.json)',
};
const SKIP = {
  'carnd_behavioral_cloning.h5': 'first layer is a Keras Lambda (marshalled Python bytecode): cannot be rebuilt; the engine must refuse it',
};

const failures = [];
const summary = [];
function fail(name, msg) { failures.push(`${name}: ${msg}`); console.error(`FAIL ${name}: ${msg}`); }

async function runFile(h5, fileName) {
  const stem = fileName.replace(/\.h5$/, '');
  const full = path.join(MODELS, fileName);
  const sha = C.sha256File(full);
  const dir = path.join(OUT, stem);
  const t0 = Date.now();
  const f = new h5.File(full, 'r');
  const kv = KH.attrValue(f.attrs.keras_version);
  const backend = KH.attrValue(f.attrs.backend);
  const base = { name: stem, file: fileName, sha256: sha, bytes: fs.statSync(full).size, keras_version: kv, backend: backend === undefined ? null : backend };
  if (!f.attrs.model_config) { f.close(); return null; }
  if (ELSEWHERE[fileName]) { f.close(); summary.push({ stem, status: ELSEWHERE[fileName] }); return; }
  fs.rmSync(dir, { recursive: true, force: true });
  if (SKIP[fileName]) {
    f.close();
    C.writeJson(path.join(dir, 'case.json'), { ...base, status: 'not built', reason: SKIP[fileName] });
    summary.push({ stem, status: 'skipped: ' + SKIP[fileName] });
    return;
  }
  const mc = JSON.parse(KH.attrValue(f.attrs.model_config));
  const model = KH.buildModel(mc);
  const { weights, listing } = KH.readWeights(f, model, '/model_weights');
  f.close();
  const deviations = [];

  // ---- input
  const inShape = model.inputShape.slice(1);
  let x, fed, batch = 1;
  if (stem === 'dl4j_cnn_batch_norm') {
    const a = C.readNpy(path.join(CORPUS, 'fixtures', stem, 'input.npy'));
    batch = a.shape[0];
    x = { shape: a.shape, data: Float32Array.from(a.data) };
    fed = `../shared/corpus/fixtures/${stem}/input.npy (float64 ${a.shape.join('x')}, numpy seed 1337 random()) rounded to float32`;
  } else if (IMAGE_PREP[stem]) {
    const p = IMAGE_PREP[stem];
    if (inShape[2] !== p.channels) throw new Error(`${stem}: expected ${p.channels} channels`);
    const img = C.imageU8('image/' + stem, inShape);
    x = { shape: [1, ...inShape], data: Float32Array.from(img, p.f) };
    fed = `random 8-bit image: v = floor(256*u), u from mulberry32(fnv1a("image/${stem}")), one draw per element in (H,W,C) C order, ` +
      `shape ${inShape.join('x')}; preprocessed as ${p.prep} (computed in double, rounded once to float32)`;
  } else {
    x = { shape: [1, ...inShape], data: C.uniformArray('input/' + stem, inShape) };
    fed = `uniform(-1,1): fround(-1 + 2*u), u from mulberry32(fnv1a("input/${stem}")), one draw per element in C order, shape ${[1, ...inShape].join('x')}`;
  }
  const xT = tf.tensor(x.data, x.shape);

  // ---- forward with the executor, recording every layer
  const record = new Map();
  const out = C.runModel(model, [() => xT], { weights, record });
  const outData = out.dataSync().slice();
  const outShape = out.shape.slice();

  // ---- cross-check against tf.js layers (modelFromJSON)
  let built, layersDiff = null;
  try {
    let json = mc, how = 'tf.models.modelFromJSON(model_config as stored)';
    let tm;
    try { tm = await tf.models.modelFromJSON({ modelTopology: json }); } catch (e) {
      json = KH.toKeras2Json(model);
      how = `tf.models.modelFromJSON(model_config normalized to Keras 2 spelling: ${String(e.message).split('\n')[0].slice(0, 160)})`;
      tm = await tf.models.modelFromJSON({ modelTopology: json });
    }
    KH.setTfjsWeights(tm, weights);
    const p = tm.predict(xT);
    layersDiff = C.relDiff(p.dataSync(), outData);
    built = how;
    if (!(layersDiff <= 1e-5)) fail(stem, `tf.js layers predict differs from the op executor: rel ${layersDiff}`);
  } catch (e) {
    built = 'nothing: tf.js layers could not build it: ' + String(e.message).split('\n')[0].slice(0, 200);
    fail(stem, built);
  }

  // ---- tap: last leaf layer with a 4-D output and H*W > 1
  const leaves = C.leafPaths(model).filter((l) => record.has(l.path));
  const spatial = leaves.filter((l) => { const s = record.get(l.path).shape; return s.length === 4 && s[1] * s[2] > 1; });
  const tap = spatial.length ? spatial[spatial.length - 1].path : null;
  const tapT = tap && record.get(tap);

  const caseJson = {
    ...base,
    status: 'ok',
    model_class: model.class_name,
    built_with: 'op-level Keras executor (tools/reference/common.js: tf.js 4.22 cpu ops with Keras semantics) reading weights by weight_names; ' +
      'output cross-checked against ' + built,
    tfjs_layers_max_rel_diff: layersDiff,
    weight_groups: listing.filter((l) => l.weight_names.length).length,
    input: { file: 'input.npy', shape: x.shape, fed },
    output: { file: 'output.npy', shape: outShape },
    final_activation: C.finalActivation(model),
  };
  C.writeNpy(dir, 'input.npy', x.shape, x.data);
  C.writeNpy(dir, 'output.npy', outShape, outData);

  const classifier = outShape.length === 2 && outShape[1] >= 1;
  if (classifier) {
    const ncls = outShape[1];
    const cls = Array.from({ length: batch }, (_, b) => C.argmax(outData, b * ncls, ncls));
    caseJson.top_class = batch === 1 ? cls[0] : cls;
    caseJson.scores = batch === 1 ? Array.from(outData) : undefined;
    if (caseJson.final_activation === 'softmax') caseJson.probabilities = caseJson.scores, delete caseJson.scores;
  }
  if (tap) {
    caseJson.tap = tap;
    caseJson.tap_shape = tapT.shape;
    caseJson.tap_output = C.writeNpy(dir, 'tap_output.npy', tapT.shape, tapT.dataSync());
    // tap output must equal the recorded one when recomputed through an override-free run (sanity)
  }
  if (tap && classifier) {
    const ncls = outShape[1];
    const cls = Array.from({ length: batch }, (_, b) => C.argmax(outData, b * ncls, ncls));
    const mask = new Float32Array(batch * ncls);
    cls.forEach((c, b) => { mask[b * ncls + c] = 1; });
    const maskT = tf.tensor(mask, outShape);
    const head = (logits) => (t) => tf.sum(C.runModel(model, [() => xT], { weights, override: new Map([[tap, t]]) }, '', logits).mul(maskT));
    // head with the tap overridden reproduces the output
    const chk = C.runModel(model, [() => xT], { weights, override: new Map([[tap, tapT]]) });
    const d0 = C.maxAbsDiff(chk.dataSync(), outData);
    if (d0 !== 0) fail(stem, `head(tap) differs from the forward output by ${d0}`);
    const variants = [['tap_grad', false]];
    if (caseJson.final_activation === 'softmax') variants.push(['tap_grad_logit', true]);
    for (const [nm, logits] of variants) {
      const g = tf.grad(head(logits))(tapT);
      const gd = g.dataSync().slice();
      caseJson[nm] = C.writeNpy(dir, nm + '.npy', tapT.shape, gd);
      const fd = C.fdCheck(head(logits), tapT, gd, `fd/${stem}/${nm}`);
      const worst = Math.max(...fd.map((r) => r.err));
      caseJson[nm + '_fd_worst_rel_err'] = Number(worst.toPrecision(3));
      if (!(worst <= 2e-2)) fail(stem, `${nm} finite differences: ${JSON.stringify(fd)}`);
    }
    caseJson.tap_grad_score = batch === 1
      ? `tap_grad = d output[0, ${cls[0]}] / d tap (the winning class's output value)`
      : `tap_grad = d sum_b output[b, top_class[b]] / d tap (samples are independent, so slice b holds sample b's own gradient)`;
    if (caseJson.final_activation === 'softmax') caseJson.tap_grad_logit_score = `d logit[0, ${cls[0]}] / d tap, logit = the input of the final softmax`;
  } else if (tap) {
    caseJson.tap_grad = null;
    caseJson.tap_grad_note = 'not a classifier: the output is ' + outShape.length + '-D, the tap is the output layer itself';
  }

  if (stem === 'dl4j_cnn_batch_norm') {
    const p = C.readNpy(path.join(CORPUS, 'fixtures', stem, 'predictions.npy'));
    const d = C.maxAbsDiff(outData, Float32Array.from(p.data));
    caseJson.keras_reference = { file: `../shared/corpus/fixtures/${stem}/predictions.npy`, computed_by: 'Keras 2.1.3 predict', max_abs_diff: d, max_rel_diff: C.relDiff(outData, p.data) };
    if (!(d <= 1e-5)) fail(stem, `differs from Keras's predictions by ${d}`);
  }
  caseJson.deviations_worked_around = deviations.concat(devNotes(model));
  C.writeJson(path.join(dir, 'case.json'), caseJson);
  summary.push({ stem, status: 'ok', tap, top: caseJson.top_class, layers: layersDiff, secs: ((Date.now() - t0) / 1000).toFixed(1) });
  tf.disposeVariables();
}

// which tf.js deviations the executor avoided for this model
function devNotes(model) {
  const cls = new Set(C.leafPaths(model).map((l) => l.node.class_name));
  const n = [];
  if (cls.has('AveragePooling2D')) n.push('AveragePooling2D as sum-pool/count-pool (tf.js same-padding gradient divides by the full window)');
  if (cls.has('GlobalMaxPooling2D')) n.push("GlobalMaxPooling2D gradient shared among tied maxima (TensorFlow's reduce_max rule; tf.js gives each tie the full gradient)");
  if (cls.has('BatchNormalization')) n.push('BatchNormalization inference written with plain ops (x-mean)/sqrt(var+eps)*gamma+beta, eps from the config');
  if (cls.has('ReLU')) n.push('ReLU layer as Keras backend.relu (max_value honoured; tf.js ignores negative_slope/threshold)');
  if (cls.has('Resizing')) n.push('Resizing to the same size = identity (TF bilinear, half-pixel centers); tf.js resize gradients not used');
  return n;
}

async function main() {
  await C.initTf();
  const h5 = await C.h5();
  const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
  if (!fs.existsSync(MODELS)) { console.error('corpus not found at ' + MODELS); process.exit(1); }
  const files = fs.readdirSync(MODELS).filter((n) => n.endsWith('.h5')).sort();
  for (const fn of files) {
    if (only && !only.test(fn)) continue;
    try { await runFile(h5, fn); } catch (e) { fail(fn, e.stack); }
  }
  if (!only) {
    const cases = fs.readdirSync(OUT).filter((d) => fs.existsSync(path.join(OUT, d, 'case.json'))).sort();
    C.writeJson(path.join(OUT, 'index.json'), { generator: 'tools/reference/corpus.js', cases });
  }
  for (const s of summary) console.log(JSON.stringify(s));
  const bytes = C.written.reduce((a, w) => a + w.bytes, 0);
  console.log(`wrote ${C.written.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  if (failures.length) { console.error(failures.length + ' failure(s)'); process.exit(1); }
}
main().catch((e) => { console.error(e); process.exit(1); });
