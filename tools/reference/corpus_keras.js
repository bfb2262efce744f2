#!/usr/bin/env node
// Reference outputs for the Keras v3 archives (.keras) in ../shared/corpus/models/.
//
//   cd tools/reference && npm ci && node corpus_keras.js [regex]
//
// For every .keras file whose first bytes are a zip (PK\x03\x04; a .keras holding HDF5 would be
// corpus.js's business): the archive is unzipped with fflate, metadata.json gives the Keras
// version, config.json the architecture (keras_h5.js buildModel: the same model description as
// for .h5 configs) and model.weights.h5 (read with h5wasm) the variables, placed by this file's
// own reading of Keras's saving_lib (layers/<snake_case class>[_N]/vars/<i>, nested models under
// their own layers/, '\' in group names written on Windows read as '/'). The model is then run by
// the op-level Keras executor of common.js and cross-checked against tf.models.modelFromJSON
// with the same weights, exactly as corpus.js does for .h5 files, and
// testdata/corpus/<stem>/{case.json,input.npy,output.npy,tap_output.npy,tap_grad.npy[,tap_grad_logit.npy]}
// is written in corpus.js's format. Nothing here uses the Java code or its outputs. The corpus
// files are never copied. Exits 1 on any failed self-check.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { unzipSync } = require('fflate');
const C = require('./common');
const KH = require('./keras_h5');
const { tf } = C;

const CORPUS = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus');
const MODELS = path.join(CORPUS, 'models');
const OUT = path.resolve(__dirname, '..', '..', 'testdata', 'corpus');

// Input fed to each model: the corpus README's preprocessing column (random 8-bit image).
const IMAGE_PREP = {
  potato_5class_augment: { channels: 3, prep: 'raw 0..255 (the model resizes and rescales itself)', f: (x) => x },
  cifar10_bn_dropout: { channels: 3, prep: 'x/255', f: (x) => x / 255 },
  fer2013_augment_bn: { channels: 1, prep: 'raw 0..255 (the model rescales by 1/255 itself)', f: (x) => x },
  tm_helmet_mobilenetv2: { channels: 3, prep: 'x/127.5 - 1', f: (x) => x / 127.5 - 1 },
};
// Augmentation layers: Keras runs them as the identity at inference (training=False).
const INFERENCE_IDENTITY = new Set(['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation',
  'RandomContrast', 'RandomBrightness', 'RandomHeight', 'RandomWidth', 'GaussianNoise', 'GaussianDropout']);

const failures = [];
const summary = [];
function fail(name, msg) { failures.push(`${name}: ${msg}`); console.error(`FAIL ${name}: ${msg}`); }

// ---------------------------------------------------------------------------------------------
// The archive
// ---------------------------------------------------------------------------------------------
function readArchive(full) {
  const bytes = fs.readFileSync(full);
  const head = bytes.subarray(0, 4);
  if (!(head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4)) return null;
  const listing = [];
  const members = unzipSync(new Uint8Array(bytes), {
    filter: (f) => { listing.push({ name: f.name, compression: f.compression === 0 ? 'stored' : f.compression === 8 ? 'deflated' : f.compression, bytes: f.originalSize, stored_bytes: f.size }); return true; },
  });
  return { members, listing };
}

// ---------------------------------------------------------------------------------------------
// Where Keras's saving_lib puts a layer's variables
// ---------------------------------------------------------------------------------------------
// keras/src/utils/naming.py (Keras 3) and tf_keras generic_utils.to_snake_case (tf.keras 2.x).
function snakeCase(cls, keras3) {
  let n = keras3 ? cls.replace(/\W+/g, '') : cls;
  n = n.replace(keras3 ? /(.)([A-Z][a-z]+)/g : /(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  n = n.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return !keras3 && n.startsWith('_') ? 'private' + n : n;
}
// Every leaf layer with its executor path and its group in the file: a model's layers in config
// order under <model place>/layers/, each class counted separately (saving_lib._get_unique_name).
function places(model, keras3, place = '', execPrefix = '', out = []) {
  const used = new Map();
  for (const n of model.nodes) {
    const snake = snakeCase(n.keras_class || n.class_name, keras3);
    const k = used.has(snake) ? used.get(snake) + 1 : 0;
    used.set(snake, k);
    const p = place + 'layers/' + (k === 0 ? snake : `${snake}_${k}`);
    if (n.model) places(n.model, keras3, p + '/', execPrefix + n.name + '/', out);
    else out.push({ path: execPrefix + n.name, place: p, node: n });
  }
  return out;
}
// Every group and dataset of the file by its path with '\' read as '/' (Windows-written archives
// name a group 'layers\sequential\layers\conv2d', one HDF5 name at the root).
function indexFile(h5, file) {
  const groups = new Map();
  const datasets = new Map();
  const walk = (g, p) => {
    for (const k of g.keys()) {
      const c = g.get(k);
      const q = (p ? p + '/' : '') + k.split('\\').join('/');
      if (c instanceof h5.Group) {
        if (groups.has(q)) throw new Error('two groups read as ' + q);
        groups.set(q, c);
        walk(c, q);
      } else datasets.set(q, c);
    }
  };
  walk(file, '');
  return { groups, datasets };
}
// The weights' roles in Keras's vars order (trainable variables first, each in creation order).
function roles(cls, c) {
  const bias = c.use_bias === false ? [] : ['bias'];
  switch (cls) {
    case 'Conv2D': case 'Dense': return ['kernel', ...bias];
    case 'DepthwiseConv2D': return ['depthwise_kernel', ...bias];
    case 'SeparableConv2D': return ['depthwise_kernel', 'pointwise_kernel', ...bias];
    case 'BatchNormalization': return [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta']), 'moving_mean', 'moving_variance'];
    default: return [];
  }
}
function readWeights(h5, file, model, keras3) {
  const { groups, datasets } = indexFile(h5, file);
  const weights = new Map();
  const used = new Set();
  let nameChecks = 0;
  for (const { path: p, place, node } of places(model, keras3)) {
    const want = roles(node.class_name, node.config);
    const vars = groups.get(place + '/vars');
    const keys = vars ? vars.keys().sort((a, b) => Number(a) - Number(b)) : [];
    if (vars && vars.attrs.name) {
      const saved = KH.attrValue(vars.attrs.name);
      if (saved !== node.name) throw new Error(`${place}/vars holds layer '${saved}', the config puts '${node.name}' there`);
      nameChecks++;
    }
    if (keys.length !== want.length || keys.some((k, i) => k !== String(i))) {
      throw new Error(`${p} (${node.class_name}): ${place}/vars holds [${keys}], expected ${want.length} variables ${want}`);
    }
    if (!want.length) continue;
    const w = {};
    want.forEach((role, i) => {
      const ds = vars.get(String(i));
      w[role] = tf.tensor(Float32Array.from(ds.value), ds.shape);
      used.add(place + '/vars/' + i);
    });
    weights.set(p, w);
  }
  // every variable of the model's layers is used exactly once (the optimizer's are not weights)
  const stray = [...datasets.keys()].filter((d) => d.startsWith('layers/') && !used.has(d));
  if (stray.length) throw new Error('datasets left unused: ' + stray.slice(0, 5).join(', '));
  return { weights, groups: weights.size, variables: used.size, nameChecks };
}

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------
// Augmentation layers become linear activations (the identity, for the executor and tf.js);
// keras_class keeps the class Keras saved them under.
function identityForAugmentation(model, replaced = []) {
  for (const n of model.nodes) {
    if (n.model) identityForAugmentation(n.model, replaced);
    else if (INFERENCE_IDENTITY.has(n.class_name)) {
      replaced.push(`${n.name} (${n.class_name})`);
      n.keras_class = n.class_name;
      n.class_name = 'Activation';
      n.config = { name: n.name, activation: 'linear' };
    }
  }
  return replaced;
}
// tf.js cannot deserialize every Keras 3 initializer, regularizer or constraint object (the
// L2 regularizer, for one); none of them matters at inference, so they are left out of its JSON.
function withoutTrainingObjects(json) {
  const strip = (layer) => {
    if (layer.config && Array.isArray(layer.config.layers)) layer.config.layers.forEach(strip);
    else if (layer.config) for (const k of Object.keys(layer.config)) if (/_(initializer|regularizer|constraint)$/.test(k)) delete layer.config[k];
  };
  strip(json);
  return json;
}

async function runFile(h5, fileName) {
  const stem = fileName.replace(/\.keras$/, '');
  const full = path.join(MODELS, fileName);
  const archive = readArchive(full);
  if (!archive) { summary.push({ stem, status: 'skipped: not a zip archive (an HDF5 .keras is read by corpus.js)' }); return; }
  const t0 = Date.now();
  const { members, listing } = archive;
  for (const m of ['config.json', 'model.weights.h5']) if (!members[m]) throw new Error(`no ${m} in the archive`);
  const text = (m) => Buffer.from(members[m]).toString('utf8');
  const metadata = members['metadata.json'] ? JSON.parse(text('metadata.json')) : {};
  const kv = metadata.keras_version || null;
  const keras3 = !kv || !kv.startsWith('2.');
  const config = JSON.parse(text('config.json'));
  const model = KH.buildModel(config);
  const replaced = identityForAugmentation(model);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-keras-'));
  const weightsFile = path.join(tmp, 'model.weights.h5');
  fs.writeFileSync(weightsFile, members['model.weights.h5']);
  const f = new h5.File(weightsFile, 'r');
  let read;
  try { read = readWeights(h5, f, model, keras3); } finally { f.close(); fs.rmSync(tmp, { recursive: true, force: true }); }
  const { weights } = read;

  const dir = path.join(OUT, stem);
  fs.rmSync(dir, { recursive: true, force: true });

  // ---- input: a random 8-bit image, preprocessed as the corpus README says
  const inShape = model.inputShape.slice(1);
  const p = IMAGE_PREP[stem];
  if (!p) throw new Error(`${stem}: no preprocessing known (add it to IMAGE_PREP)`);
  if (inShape[2] !== p.channels) throw new Error(`${stem}: expected ${p.channels} channels, the model has ${inShape}`);
  const img = C.imageU8('image/' + stem, inShape);
  const x = { shape: [1, ...inShape], data: Float32Array.from(img, p.f) };
  const fed = `random 8-bit image: v = floor(256*u), u from mulberry32(fnv1a("image/${stem}")), one draw per element in (H,W,C) C order, ` +
    `shape ${inShape.join('x')}; preprocessed as ${p.prep} (computed in double, rounded once to float32)`;
  const xT = tf.tensor(x.data, x.shape);

  // ---- forward with the executor, recording every layer
  const record = new Map();
  const out = C.runModel(model, [() => xT], { weights, record });
  const outData = out.dataSync().slice();
  const outShape = out.shape.slice();

  // ---- cross-check against tf.js layers with the same weights
  let built, layersDiff = null;
  try {
    const tm = await tf.models.modelFromJSON({ modelTopology: withoutTrainingObjects(KH.toKeras2Json(model)) });
    KH.setTfjsWeights(tm, weights);
    layersDiff = C.relDiff(tm.predict(xT).dataSync(), outData);
    built = 'tf.models.modelFromJSON(config.json in Keras 2 spelling, initializers/regularizers/constraints left out)';
    if (!(layersDiff <= 1e-5)) fail(stem, `tf.js layers predict differs from the op executor: rel ${layersDiff}`);
  } catch (e) {
    built = 'nothing: tf.js layers could not build it: ' + String(e.message).split('\n')[0].slice(0, 200);
    fail(stem, built);
  }

  // ---- tap: last leaf layer with a 4-D output and H*W > 1 (corpus.js's rule)
  const leaves = C.leafPaths(model).filter((l) => record.has(l.path));
  const spatial = leaves.filter((l) => { const s = record.get(l.path).shape; return s.length === 4 && s[1] * s[2] > 1; });
  const tap = spatial[spatial.length - 1].path;
  const tapT = record.get(tap);

  const caseJson = {
    name: stem,
    file: fileName,
    sha256: C.sha256File(full),
    bytes: fs.statSync(full).size,
    keras_version: kv,
    backend: null,
    status: 'ok',
    format: 'keras-v3-zip',
    archive: listing,
    model_class: model.class_name,
    built_with: 'op-level Keras executor (tools/reference/common.js: tf.js 4.22 cpu ops with Keras semantics) reading model.weights.h5 ' +
      'by the saving_lib layout (tools/reference/corpus_keras.js); output cross-checked against ' + built,
    tfjs_layers_max_rel_diff: layersDiff,
    weight_groups: read.groups,
    variables: read.variables,
    vars_name_attributes_checked: read.nameChecks,
    input: { file: 'input.npy', shape: x.shape, fed },
    output: { file: 'output.npy', shape: outShape },
    final_activation: C.finalActivation(model),
  };
  C.writeNpy(dir, 'input.npy', x.shape, x.data);
  C.writeNpy(dir, 'output.npy', outShape, outData);
  const ncls = outShape[1];
  const top = C.argmax(outData, 0, ncls);
  caseJson.top_class = top;
  caseJson[caseJson.final_activation === 'softmax' ? 'probabilities' : 'scores'] = Array.from(outData);
  caseJson.tap = tap;
  caseJson.tap_shape = tapT.shape;
  caseJson.tap_output = C.writeNpy(dir, 'tap_output.npy', tapT.shape, tapT.dataSync());

  // ---- gradients at the tap of the top class's output (and logit, for a softmax model)
  const mask = new Float32Array(ncls);
  mask[top] = 1;
  const maskT = tf.tensor(mask, outShape);
  const head = (logits) => (t) => tf.sum(C.runModel(model, [() => xT], { weights, override: new Map([[tap, t]]) }, '', logits).mul(maskT));
  const d0 = C.maxAbsDiff(C.runModel(model, [() => xT], { weights, override: new Map([[tap, tapT]]) }).dataSync(), outData);
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
  caseJson.tap_grad_score = `tap_grad = d output[0, ${top}] / d tap (the winning class's output value)`;
  if (caseJson.final_activation === 'softmax') caseJson.tap_grad_logit_score = `d logit[0, ${top}] / d tap, logit = the input of the final softmax`;
  caseJson.deviations_worked_around = devNotes(model, replaced);
  C.writeJson(path.join(dir, 'case.json'), caseJson);
  summary.push({ stem, status: 'ok', tap, top, layers: layersDiff, groups: read.groups, names: read.nameChecks, secs: ((Date.now() - t0) / 1000).toFixed(1) });
  tf.disposeVariables();
}

// which Keras-vs-tf.js differences the executor and this script took care of for this model
function devNotes(model, replaced) {
  const cls = new Set(C.leafPaths(model).map((l) => l.node.class_name));
  const n = [];
  if (replaced.length) n.push('augmentation layers run as the identity, as Keras does at inference: ' + replaced.join(', '));
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
  const files = fs.readdirSync(MODELS).filter((n) => n.endsWith('.keras')).sort();
  for (const fn of files) {
    if (only && !only.test(fn)) continue;
    try { await runFile(h5, fn); } catch (e) { fail(fn, e.stack); }
  }
  for (const s of summary) console.log(JSON.stringify(s));
  const bytes = C.written.reduce((a, w) => a + w.bytes, 0);
  console.log(`wrote ${C.written.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  if (failures.length) { console.error(failures.length + ' failure(s)'); process.exit(1); }
}
// saved_keras.js reads the archives gradcam4j writes with the same functions
module.exports = { readArchive, readWeights, identityForAugmentation, withoutTrainingObjects, snakeCase };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
