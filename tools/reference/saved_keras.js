#!/usr/bin/env node
// Read-back proof for the .keras archives written by gradcam4j's Java KerasV3Writer.
//
//   cd tools/reference && node saved_keras.js [regex]
//
// For every *.keras in testdata/saved/ (written by `./gradcam.sh convert --model ... --out X.keras`,
// see README.md): the archive is unzipped with fflate, config.json is built by keras_h5.js
// buildModel (Keras 3 spelling) and model.weights.h5 is read with h5wasm by corpus_keras.js's own
// reading of Keras's saving_lib layout (layers/<snake_case class>[_N]/vars/<i>, every dataset
// used exactly once, `name` attributes checked against the config). The model is run by the
// op-level Keras executor of common.js and cross-checked against tf.models.modelFromJSON with the
// same weights; testdata/saved/<stem>_keras/{case.json,input.npy,output.npy} are written.
// The input is the one saved.js feeds the .h5 of the same stem (a demo model's random 8-bit
// image, else uniform(-1,1)), and when testdata/saved/<stem>/output.npy (saved.js, from the
// .h5) exists, the two outputs must agree within 1e-6 relative: the .keras holds the same model.
// Nothing here uses the Java code or its outputs. Exits 1 on any failed check.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const C = require('./common');
const KH = require('./keras_h5');
const CK = require('./corpus_keras');
const SV = require('./saved');
const { tf } = C;

const ROOT = path.resolve(__dirname, '..', '..');
// SAVED_DIR=<folder of .keras files> checks other archives (e.g. corpus models converted by
// `gradcam convert`, never committed); TWINS=<folder> takes each one's input.npy/output.npy from
// TWINS/<stem>/ (testdata/corpus: TF.js's outputs for the original file) instead of saved.js's.
const SAVED = process.env.SAVED_DIR ? path.resolve(process.env.SAVED_DIR) : path.join(ROOT, 'testdata', 'saved');
const TWINS = process.env.TWINS ? path.resolve(process.env.TWINS) : SAVED;
const DEMO_DIR = path.join(ROOT, 'tools', 'src', 'main', 'resources', 'io', 'gradcam4j', 'demo');
const TOL = 1e-5;
const TWIN_TOL = 1e-6;

const failures = [];
const summary = [];
function fail(name, msg) { failures.push(`${name}: ${msg}`); console.error(`FAIL ${name}: ${msg}`); }

// the demo records by the stem of their model file (saved.js feeds those an image)
function demoRecords() {
  const out = new Map();
  if (!fs.existsSync(DEMO_DIR)) return out;
  for (const r of fs.readdirSync(DEMO_DIR).filter((n) => n.endsWith('.json'))) {
    const demo = JSON.parse(fs.readFileSync(path.join(DEMO_DIR, r), 'utf8'));
    if (demo.model) out.set(demo.model.replace(/\.h5$/, ''), demo);
  }
  return out;
}

async function runFile(h5, full, stem, demo) {
  const rel = path.relative(ROOT, full).split(path.sep).join('/');
  const archive = CK.readArchive(full);
  if (!archive) throw new Error('not a zip archive');
  const { members, listing } = archive;
  const names = listing.map((m) => m.name);
  if (JSON.stringify(names) !== JSON.stringify(['metadata.json', 'config.json', 'model.weights.h5'])) {
    fail(stem, `members ${JSON.stringify(names)}, expected metadata.json, config.json, model.weights.h5 (Keras's order)`);
  }
  for (const m of listing) if (m.compression !== 'stored') fail(stem, `${m.name} is ${m.compression}; Keras stores members`);
  const text = (m) => Buffer.from(members[m]).toString('utf8');
  const metadata = JSON.parse(text('metadata.json'));
  const kv = metadata.keras_version;
  if (!/^3\./.test(kv || '')) fail(stem, `metadata.json keras_version ${kv}, expected 3.x`);
  const config = JSON.parse(text('config.json'));
  // the Keras 3 serialization of every layer
  const spelling = [];
  const walk = (m) => {
    for (const l of m.config.layers) {
      if (!('module' in l) || !('registered_name' in l)) spelling.push(`${l.config && l.config.name}: no module/registered_name`);
      if (l.class_name === 'Sequential' || l.class_name === 'Functional') walk(l);
      else if (l.class_name !== 'InputLayer' && !(l.config.dtype && l.config.dtype.class_name === 'DTypePolicy')) spelling.push(`${l.config.name}: dtype ${JSON.stringify(l.config.dtype)}`);
      for (const call of l.inbound_nodes || []) if (Array.isArray(call)) spelling.push(`${l.name}: Keras 2 inbound node`);
    }
  };
  walk(config);
  if (spelling.length) fail(stem, 'config.json not in Keras 3 spelling: ' + spelling.slice(0, 5).join('; '));
  const model = KH.buildModel(config);
  if (model.outputs && model.outputs.length > 1) { summary.push({ stem, status: 'skipped: several outputs (the executor here runs one; heads.js runs several)' }); return; }
  const replaced = CK.identityForAugmentation(model);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'saved-keras-'));
  const weightsFile = path.join(tmp, 'model.weights.h5');
  fs.writeFileSync(weightsFile, members['model.weights.h5']);
  const f = new h5.File(weightsFile, 'r');
  let read;
  try { read = CK.readWeights(h5, f, model, true); } finally { f.close(); fs.rmSync(tmp, { recursive: true, force: true }); }
  const { weights } = read;
  if (read.nameChecks !== read.groups) fail(stem, `${read.groups} layers with weights but ${read.nameChecks} name attributes`);

  // ---- input: as saved.js feeds the .h5 of the same stem
  const inShape = model.inputShape.slice(1);
  const twinDir = path.join(TWINS, stem);
  let x, fed;
  if (TWINS !== SAVED && fs.existsSync(path.join(twinDir, 'input.npy'))) {
    const t = C.readNpy(path.join(twinDir, 'input.npy'));
    x = { shape: t.shape, data: Float32Array.from(t.data) };
    fed = `the input of ${path.relative(ROOT, twinDir)}`;
  } else if (demo) {
    x = { shape: [1, ...inShape], data: C.imageU8('image/' + stem, inShape) };
    fed = `random 8-bit image: v = floor(256*u), u from mulberry32(fnv1a("image/${stem}")), one draw per element in (H,W,C) C order, ` +
      `shape ${x.shape.join('x')}, fed raw as 0..255 float32 (the model rescales itself)`;
  } else {
    x = { shape: [1, ...inShape], data: C.uniformArray('input/' + stem, inShape) };
    fed = `uniform(-1,1): fround(-1 + 2*u), u from mulberry32(fnv1a("input/${stem}")), one draw per element in C order, shape ${x.shape.join('x')}`;
  }
  const xT = tf.tensor(x.data, x.shape);
  const record = new Map();
  const out = C.runModel(model, [() => xT], { weights, record });
  const outData = out.dataSync().slice();
  const outShape = out.shape.slice();

  // ---- tf.js layers with the same weights: the config as read, or (as saved.js's attempt B) with
  // the workarounds genuine Keras files need too (tf.js ignores GlobalAveragePooling2D keepdims)
  let layersDiff = null;
  let tfjsPatches = null;
  const attempts = [[[], () => KH.toKeras2Json(model)], [SV.deviationPatches(model, false), () => SV.patchedJson(model, record, false)]];
  for (const [patches, json] of attempts) {
    try {
      const tm = await tf.models.modelFromJSON({ modelTopology: CK.withoutTrainingObjects(json()) });
      KH.setTfjsWeights(tm, weights);
      layersDiff = C.relDiff(tm.predict(xT).dataSync(), outData);
      tfjsPatches = patches;
      break;
    } catch (e) {
      if (patches.length || !SV.deviationPatches(model, false).length) fail(stem, 'tf.js layers could not build or run it: ' + String(e.message).split('\n')[0]);
    }
  }
  if (layersDiff !== null && !(layersDiff <= TOL)) fail(stem, `tf.js layers predict differs from the op executor: rel ${layersDiff}`);

  // ---- the .h5 twin (saved.js's output for the same stem and input)
  let twin = null;
  if (fs.existsSync(path.join(twinDir, 'output.npy'))) {
    const tin = C.readNpy(path.join(twinDir, 'input.npy'));
    const tout = C.readNpy(path.join(twinDir, 'output.npy'));
    if (C.maxAbsDiff(tin.data, x.data) !== 0) fail(stem, 'the .h5 twin was fed another input');
    twin = { case: path.relative(ROOT, twinDir).split(path.sep).join('/'), max_rel_diff: C.relDiff(outData, tout.data) };
    if (!(twin.max_rel_diff <= TWIN_TOL)) fail(stem, `output differs from the .h5 twin's by rel ${twin.max_rel_diff}`);
  }

  const dir = path.join(SAVED, stem + '_keras');
  fs.rmSync(dir, { recursive: true, force: true });
  const caseJson = {
    name: stem + '_keras',
    file: rel,
    sha256: C.sha256File(full),
    bytes: fs.statSync(full).size,
    written_by: 'gradcam4j KerasV3Writer (Java, jHDF)',
    format: 'keras-v3-zip',
    archive: listing,
    keras_version: kv,
    model_class: config.class_name,
    weight_groups: read.groups,
    variables: read.variables,
    vars_name_attributes_checked: read.nameChecks,
    built_with: 'op-level Keras executor (tools/reference/common.js) reading model.weights.h5 by the saving_lib layout ' +
      '(tools/reference/corpus_keras.js readWeights); output cross-checked against tf.models.modelFromJSON with the same weights',
    tfjs_layers_max_rel_diff: layersDiff,
    tfjs_workarounds: tfjsPatches,
    h5_twin: twin,
    augmentation_as_identity: replaced,
    input: { file: 'input.npy', shape: x.shape, fed },
    output: { file: 'output.npy', shape: outShape, from: 'the op-level executor' },
    final_activation: C.finalActivation(model),
  };
  if (outShape.length === 2) caseJson.top_class = C.argmax(outData);
  C.writeNpy(dir, 'input.npy', x.shape, x.data);
  C.writeNpy(dir, 'output.npy', outShape, outData);
  C.writeJson(path.join(dir, 'case.json'), caseJson);
  summary.push({ stem, groups: read.groups, variables: read.variables, layers: layersDiff, twin: twin && twin.max_rel_diff });
  tf.disposeVariables();
}

async function main() {
  await C.initTf();
  const h5 = await C.h5();
  const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
  const demos = demoRecords();
  const files = fs.existsSync(SAVED) ? fs.readdirSync(SAVED).filter((n) => n.endsWith('.keras')).sort() : [];
  if (!files.length) fail('saved_keras', 'no .keras files in ' + SAVED);
  for (const n of files) {
    const stem = n.replace(/\.keras$/, '');
    if (only && !only.test(stem)) continue;
    try { await runFile(h5, path.join(SAVED, n), stem, demos.get(stem)); } catch (e) { fail(stem, 'cannot load: ' + e.stack); }
  }
  for (const s of summary) console.log(JSON.stringify(s));
  const bytes = C.written.reduce((a, w) => a + w.bytes, 0);
  console.log(`wrote ${C.written.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  if (failures.length) { console.error(failures.length + ' failure(s)'); process.exit(1); }
}
main().catch((e) => { console.error(e); process.exit(1); });
