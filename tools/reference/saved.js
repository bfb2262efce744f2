#!/usr/bin/env node
// Round-trip proof for .h5 files written by gradcam4j's Java KerasH5Writer (task "saved").
//
//   cd tools/reference && node saved.js [regex]
//
// For every *.h5 in testdata/saved/ and every bundled demo model (each JSON record in
// tools/src/main/resources/io/gradcam4j/demo/ names its .h5: shapes_clean.h5, shapes_shortcut.h5): the file is read with h5wasm, its layout is checked against the Keras 2
// full-model layout (root attrs model_config / keras_version / backend, /model_weights with
// layer_names, weight_names per layer group — absent for layers without weights, which Keras's
// load_attributes_from_hdf5_group reads as [] — datasets /model_weights/<layer>/<layer>/<w>:0),
// the model is evaluated with the op-level Keras executor of common.js and with
// tf.models.modelFromJSON(model_config as stored) + the file's weights, and
// testdata/saved/<stem>/{case.json,input.npy,output.npy} are written. The .h5 files are read in
// place, never copied. Exits 1 if a file cannot be loaded, the layout check fails or the two
// tf.js paths differ by more than 1e-5 relative to the largest output.
'use strict';

const fs = require('fs');
const path = require('path');
const C = require('./common');
const KH = require('./keras_h5');
const { tf } = C;

const ROOT = path.resolve(__dirname, '..', '..');
const SAVED = path.join(ROOT, 'testdata', 'saved');
// DEMO_DIR=<folder with the models and their JSON records> checks freshly trained demo models before
// they are copied into the resources (their cases still go to testdata/saved/<model stem>/)
const DEMO_DIR = process.env.DEMO_DIR ? path.resolve(process.env.DEMO_DIR) : path.join(ROOT, 'tools', 'src', 'main', 'resources', 'io', 'gradcam4j', 'demo');
const TOL = 1e-5;

const failures = [];
const summary = [];
function fail(name, msg) { failures.push(`${name}: ${msg}`); console.error(`FAIL ${name}: ${msg}`); }

// HDF5 type of an attribute, as h5wasm reports it
function strType(a) {
  const m = a.metadata;
  const cls = { 0: 'integer', 1: 'float', 3: 'string', 9: 'vlen' }[m.type] || `class ${m.type}`;
  if (m.type !== 3) return `${cls} ${m.size}B shape [${a.shape}]`;
  return `${m.vlen ? 'variable-length' : `fixed-length (${m.size} bytes)`} ${m.cset === 1 ? 'UTF-8' : 'ASCII'} ` +
    `${['NULLTERM', 'NULLPAD', 'SPACEPAD'][m.strpad] || 'strpad ' + m.strpad} string, shape ${a.shape.length ? '[' + a.shape + ']' : 'scalar'}`;
}

// Checks the Keras 2 full-model layout; returns a description for case.json.
function checkLayout(h5, f, mc) {
  const errs = [];
  const rootAttrs = Object.keys(f.attrs).sort();
  const attrTypes = {};
  for (const k of rootAttrs) attrTypes[k] = strType(f.attrs[k]);
  for (const k of ['model_config', 'keras_version', 'backend']) if (!f.attrs[k]) errs.push(`root attribute ${k} missing`);
  const mw = f.get('model_weights');
  if (!mw) { errs.push('/model_weights missing'); return { errs }; }
  attrTypes['model_weights/layer_names'] = strType(mw.attrs.layer_names);
  const layerNames = KH.strList(mw.attrs.layer_names);
  const configNames = (mc.config.layers || mc.config).map((l) => l.config.name || l.name);
  if (JSON.stringify(layerNames) !== JSON.stringify(configNames)) errs.push(`layer_names ${JSON.stringify(layerNames)} != model_config layers ${JSON.stringify(configNames)}`);
  let withW = 0, withoutAttr = 0, emptyAttr = 0, nWeights = 0, wnType = null;
  const dsTypes = new Set();
  for (const ln of layerNames) {
    const g = mw.get(ln);
    if (!g) { errs.push(`group /model_weights/${ln} missing`); continue; }
    const a = g.attrs.weight_names;
    const wn = KH.strList(a);
    if (!a) withoutAttr++;
    else if (!wn.length) emptyAttr++;
    else { withW++; wnType = wnType || strType(a); }
    // every dataset below the layer group must be listed in weight_names, and vice versa
    const found = [];
    const walk = (grp, pre) => { for (const k of grp.keys()) { const o = grp.get(k); if (o instanceof h5.Group) walk(o, pre + k + '/'); else if (o instanceof h5.Dataset) found.push(pre + k); else errs.push(`${ln}: ${pre + k} is neither group nor dataset`); } };
    walk(g, '');
    // KerasH5Writer puts a one-value dataset 'gradcam4j_no_weights' into each layer group without
    // weights (working around jHDF overwriting the last-written group header); it is not a weight.
    const markers = found.filter((k) => k === 'gradcam4j_no_weights');
    if (markers.length && wn.length) errs.push(`${ln}: gradcam4j_no_weights marker in a layer that has weights`);
    for (const m of markers) found.splice(found.indexOf(m), 1);
    if (JSON.stringify(found.slice().sort()) !== JSON.stringify(wn.slice().sort())) errs.push(`${ln}: datasets ${JSON.stringify(found)} != weight_names ${JSON.stringify(wn)}`);
    for (const w of wn) {
      if (!w.startsWith(ln + '/') || !/:0$/.test(w)) errs.push(`${ln}: weight name ${w} is not "<layer>/<weight>:0"`);
      const ds = g.get(w);
      if (ds) {
        const m = ds.metadata;
        dsTypes.add(`${m.type === 1 ? 'float' : 'class ' + m.type}${8 * m.size} ${m.littleEndian ? 'LE' : 'BE'}${m.chunks ? ' chunked' : ' contiguous'}`);
        nWeights++;
      }
    }
  }
  return {
    errs,
    root_attributes: rootAttrs,
    attribute_types: attrTypes,
    weight_names_type: wnType,
    dataset_types: [...dsTypes].sort(),
    layer_groups: layerNames.length,
    layer_groups_with_weights: withW,
    layer_groups_without_weight_names_attribute: withoutAttr,
    layer_groups_with_empty_weight_names: emptyAttr,
    weight_datasets: nWeights,
  };
}

// the patches attempt B (writerSpecific=false) or C (true) applies, as text for case.json
function deviationPatches(model, writerSpecific) {
  const keep = [], axis = [];
  for (const l of C.leafPaths(model)) {
    const n = l.node;
    if (/^Global(Average|Max)Pooling2D$/.test(n.class_name) && n.config.keepdims) keep.push(l.path);
    if (writerSpecific && n.class_name === 'BatchNormalization' && Array.isArray(n.config.axis) && n.config.axis.length === 1) axis.push(`${l.path} ${JSON.stringify(n.config.axis)}`);
  }
  const out = [];
  if (keep.length) out.push(`GlobalAverage/MaxPooling2D keepdims=True (tf.js ignores keepdims): Reshape (1,1,C) "<name>__keepdims" inserted after ${keep.join(', ')}`);
  if (axis.length) out.push(`BatchNormalization one-element list axis -> plain integer (tf.js 4.22 evaluates \`this.axis + rank\` as a string for an array) in ${axis.length} layers: ${axis.join(', ')}`);
  return out;
}
// Keras 2 JSON of the model description with those patches (record: executor outputs, for C)
function patchedJson(model, record, writerSpecific, prefix = '') {
  const nodes = [];
  const rename = new Map();
  for (const n of model.nodes) {
    if (n.model) { nodes.push({ ...n, model: patchedJsonModel(n.model, record, writerSpecific, prefix + n.name + '/') }); continue; }
    const c = { ...n.config };
    if (writerSpecific && n.class_name === 'BatchNormalization' && Array.isArray(c.axis) && c.axis.length === 1) c.axis = c.axis[0];
    nodes.push({ ...n, config: c, inbound: n.inbound.map((i) => rename.get(i) || i) });
    if (/^Global(Average|Max)Pooling2D$/.test(n.class_name) && c.keepdims) {
      const shp = record.get(prefix + n.name).shape;
      const r = n.name + '__keepdims';
      nodes.push({ name: r, class_name: 'Reshape', config: { name: r, trainable: false, dtype: 'float32', target_shape: shp.slice(1) }, inbound: [n.name] });
      rename.set(n.name, r);
    }
  }
  const m = { ...model, nodes, outputs: model.outputs.map((o) => rename.get(o) || o) };
  return prefix === '' ? KH.toKeras2Json(m) : m;
}
function patchedJsonModel(model, record, writerSpecific, prefix) { return patchedJson(model, record, writerSpecific, prefix); }

async function runFile(h5, full, stem, demoInfo) {
  const dir = path.join(SAVED, stem);
  const rel = path.relative(ROOT, full).split(path.sep).join('/');
  const f = new h5.File(full, 'r');
  let mc, model, weights, layout, kv, backend;
  try {
    if (!f.attrs.model_config) throw new Error('no model_config attribute (not a full-model file)');
    kv = KH.attrValue(f.attrs.keras_version);
    backend = KH.attrValue(f.attrs.backend);
    mc = JSON.parse(KH.attrValue(f.attrs.model_config));
    model = KH.buildModel(mc);
    layout = checkLayout(h5, f, mc);
    ({ weights } = KH.readWeights(f, model, '/model_weights'));
  } finally { f.close(); }
  for (const e of layout.errs) fail(stem, 'layout: ' + e);
  delete layout.errs;
  const nLoaded = [...weights.values()].reduce((a, r) => a + Object.keys(r).length, 0);

  // ---- input
  const inShape = model.inputShape.slice(1);
  const first = model.nodes.find((n) => n.class_name !== 'InputLayer');
  let x, fed;
  if (demoInfo) {
    const want = demoInfo.input_size;
    if (JSON.stringify(want) !== JSON.stringify(inShape)) fail(stem, `demo.json input_size ${want} != model input ${inShape}`);
    if (!(first && first.class_name === 'Rescaling') || demoInfo.preprocessing !== 'none') {
      throw new Error(`${stem}: expected preprocessing "none" with a Rescaling first layer (demo.json says ${demoInfo.preprocessing}, first layer ${first && first.class_name})`);
    }
    x = { shape: [1, ...inShape], data: C.imageU8('image/' + stem, inShape) };
    fed = `random 8-bit image: v = floor(256*u), u from mulberry32(fnv1a("image/${stem}")), one draw per element in (H,W,C) C order, ` +
      `shape ${x.shape.join('x')}, fed raw as 0..255 float32 (demo.json: preprocessing "${demoInfo.preprocessing}"; the model's first layer ` +
      `'${first.name}' is Rescaling(scale ${first.config.scale}, offset ${first.config.offset}))`;
  } else {
    x = { shape: [1, ...inShape], data: C.uniformArray('input/' + stem, inShape) };
    fed = `uniform(-1,1): fround(-1 + 2*u), u from mulberry32(fnv1a("input/${stem}")), one draw per element in C order, shape ${x.shape.join('x')}`;
  }
  const xT = tf.tensor(x.data, x.shape);

  // ---- executor
  const record = new Map();
  const out = C.runModel(model, [() => xT], { weights, record });
  const outData = out.dataSync().slice();
  const outShape = out.shape.slice();

  // ---- tf.js layers. Attempts, in order (the first that builds is used):
  //   A  model_config exactly as stored;
  //   B  + workarounds for tf.js deviations that genuine Keras 2.15 files need as well
  //        (GlobalAverage/MaxPooling2D keepdims=True: tf.js ignores keepdims -> a Reshape to
  //        (1,1,C) is inserted after the pooling layer);
  //   C  + normalizations of what the Java writer writes differently from Keras 2.15
  //        (BatchNormalization "axis": [-1]: Keras 2.15 writes the built axis [3]; tf.js 4.22
  //        computes `this.axis + rank` = "-14" for an array and cannot build the layer -> a
  //        one-element list becomes the plain integer).
  // Needing C means tf.js cannot load what the writer wrote: a failure (exit 1), but the
  // agreement is still measured and the fixtures are written.
  const attempts = [];
  let layersDiff = null, layersAbs = null, tfjsWeights = null, used = null;
  const variants = [
    ['A', 'model_config as stored', () => mc, []],
    ['B', 'tf.js deviation workarounds (also needed by genuine Keras 2.15 files)', () => patchedJson(model, record, false), deviationPatches(model, false)],
    ['C', 'B + normalization of writer-specific config spellings', () => patchedJson(model, record, true), deviationPatches(model, true)],
  ];
  for (const [id, what, json, patches] of variants) {
    if (id !== 'A' && !patches.length) continue;
    let tm;
    try { tm = await tf.models.modelFromJSON({ modelTopology: json() }); } catch (e) {
      attempts.push({ attempt: id, what, patches, built: false, error: String(e.message).split('\n')[0].slice(0, 200) });
      continue;
    }
    attempts.push({ attempt: id, what, patches, built: true });
    used = id;
    try {
      const n = KH.setTfjsWeights(tm, weights);
      tfjsWeights = tm.weights.length;
      if (n !== tm.weights.length || n !== nLoaded) fail(stem, `weights: tf.js model has ${tm.weights.length}, set ${n}, file has ${nLoaded}`);
      const p = tm.predict(xT);
      if (JSON.stringify(p.shape) !== JSON.stringify(outShape)) fail(stem, `tf.js layers output shape ${p.shape} != executor ${outShape}`);
      const pd = p.dataSync();
      layersDiff = C.relDiff(pd, outData);
      layersAbs = C.maxAbsDiff(pd, outData);
      if (!(layersDiff <= TOL)) fail(stem, `tf.js layers predict differs from the op executor: rel ${layersDiff}`);
    } catch (e) { fail(stem, `tf.js layers model built (attempt ${id}) but could not run: ${e.message}`); }
    break;
  }
  if (used === null) fail(stem, 'tf.js cannot build the model: ' + JSON.stringify(attempts));
  else if (used === 'C') fail(stem, 'tf.js 4.22 cannot load the model_config as written (needs the writer-specific normalization: ' + attempts[attempts.length - 1].patches.join('; ') + '); first error: ' + attempts[0].error);
  const built = used === null ? 'nothing (tf.js could not build it)' : `tf.models.modelFromJSON, attempt ${used} (${attempts[attempts.length - 1].what})`;

  const finalAct = C.finalActivation(model);
  const caseJson = {
    name: stem,
    file: rel,
    sha256: C.sha256File(full),
    bytes: fs.statSync(full).size,
    written_by: 'gradcam4j KerasH5Writer (Java, jHDF)',
    keras_version: kv,
    backend: backend === undefined ? null : backend,
    model_class: mc.class_name,
    layout,
    weights_loaded: nLoaded,
    tfjs_model_weights: tfjsWeights,
    built_with: 'op-level Keras executor (tools/reference/common.js: tf.js 4.22 cpu ops with Keras semantics) reading weights by weight_names; ' +
      'output cross-checked against ' + built + ' with the same weights (set by role from weight_names)',
    tfjs_loads_as_stored: used === 'A',
    tfjs_attempts: attempts,
    agreement: { max_abs_diff: layersAbs, max_rel_diff: layersDiff, tolerance_rel: TOL, relative_to: 'max |output| of the executor' },
    input: { file: 'input.npy', shape: x.shape, fed },
    output: { file: 'output.npy', shape: outShape, from: 'the op-level executor' },
    final_activation: finalAct,
  };
  if (demoInfo) caseJson.demo_json = { file: path.relative(ROOT, path.join(DEMO_DIR, 'demo.json')).split(path.sep).join('/'), classes: demoInfo.classes, input_size: demoInfo.input_size, preprocessing: demoInfo.preprocessing };
  if (outShape.length === 2) {
    caseJson.top_class = C.argmax(outData);
    if (demoInfo && Array.isArray(demoInfo.classes)) caseJson.top_class_name = demoInfo.classes[caseJson.top_class];
    caseJson[finalAct === 'softmax' ? 'probabilities' : 'scores'] = Array.from(outData);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  C.writeNpy(dir, 'input.npy', x.shape, x.data);
  C.writeNpy(dir, 'output.npy', outShape, outData);
  C.writeJson(path.join(dir, 'case.json'), caseJson);
  summary.push({ stem, top: caseJson.top_class, rel: layersDiff, abs: layersAbs, built: built && built.slice(0, 60) });
  tf.disposeVariables();
}

async function main() {
  await C.initTf();
  const h5 = await C.h5();
  const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
  const files = [];
  if (fs.existsSync(SAVED)) for (const n of fs.readdirSync(SAVED).filter((n) => n.endsWith('.h5')).sort()) files.push({ full: path.join(SAVED, n), stem: n.replace(/\.h5$/, '') });
  // each bundled model's JSON record (demo.json, demo-shortcut.json) names its .h5
  const records = fs.existsSync(DEMO_DIR) ? fs.readdirSync(DEMO_DIR).filter((n) => n.endsWith('.json')).sort() : [];
  for (const r of records) {
    const demo = JSON.parse(fs.readFileSync(path.join(DEMO_DIR, r), 'utf8'));
    const full = path.join(DEMO_DIR, demo.model || '');
    if (!demo.model || !fs.existsSync(full)) fail(r, `names model ${demo.model}, which is not in ${DEMO_DIR}`);
    else files.push({ full, stem: demo.model.replace(/\.h5$/, ''), demo });
  }
  if (!records.length) console.log(`(no demo model records in ${path.relative(ROOT, DEMO_DIR)}: skipped)`);
  for (const fl of files) {
    if (only && !only.test(fl.stem)) continue;
    try { await runFile(h5, fl.full, fl.stem, fl.demo); } catch (e) { fail(fl.stem, 'cannot load: ' + e.stack); }
  }
  if (!files.length) fail('saved', 'no .h5 files found');
  for (const s of summary) console.log(JSON.stringify(s));
  const bytes = C.written.reduce((a, w) => a + w.bytes, 0);
  console.log(`wrote ${C.written.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  if (failures.length) { console.error(failures.length + ' failure(s)'); process.exit(1); }
}
// saved_keras.js applies the same tf.js workarounds to the archives
module.exports = { patchedJson, deviationPatches };
if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
