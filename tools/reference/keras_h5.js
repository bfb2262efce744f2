// Reading Keras .h5 full-model files with h5wasm and turning model_config into the executor's
// model description (common.js). Handles Keras 1.2.2, 2.x and 3.x legacy-h5 configs and
// nested Sequential/Functional models. See ../../../shared/corpus/FORMATS.md.
'use strict';

const { tf, MODEL_CLASSES } = require('./common');

function attrValue(a) {
  if (!a) return undefined;
  const v = a.value;
  if (Array.isArray(v)) return v.map(cleanStr);
  if (typeof v === 'string') return cleanStr(v);
  if (v && v.length !== undefined && typeof v !== 'string') return Array.from(v); // typed array (e.g. empty float64)
  return v;
}
function cleanStr(s) { return typeof s === 'string' ? s.replace(/\0+$/, '') : s; }
function strList(a) {
  const v = attrValue(a);
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  return v.filter((s) => typeof s === 'string');
}

// ---------------------------------------------------------------------------------------------
// model_config -> {name, nodes, inputs, outputs, inputShape}
// ---------------------------------------------------------------------------------------------
function normLayerConfig(cls, cfg) {
  // returns [class_name, config] in Keras 2 spelling
  const c = { ...cfg };
  if (c.dtype && typeof c.dtype === 'object') c.dtype = (c.dtype.config && c.dtype.config.name) || 'float32';
  if (c.batch_shape && !c.batch_input_shape) { c.batch_input_shape = c.batch_shape; delete c.batch_shape; }
  if (cls === 'Convolution2D') { // Keras 1
    if (c.dim_ordering && c.dim_ordering !== 'tf') throw new Error(`${c.name}: dim_ordering ${c.dim_ordering}`);
    const n = {
      name: c.name, trainable: c.trainable !== false, filters: c.nb_filter, kernel_size: [c.nb_row, c.nb_col],
      strides: c.subsample || [1, 1], padding: c.border_mode || 'valid', data_format: 'channels_last',
      dilation_rate: [1, 1], activation: c.activation || 'linear', use_bias: c.bias !== false,
    };
    if (c.batch_input_shape) n.batch_input_shape = c.batch_input_shape;
    if (c.input_dtype) n.dtype = c.input_dtype;
    return ['Conv2D', n];
  }
  if (['Dense', 'Activation', 'Flatten', 'Dropout', 'MaxPooling2D', 'BatchNormalization'].includes(cls) && c.dim_ordering) {
    throw new Error(`Keras 1 ${cls} not normalized`);
  }
  return [cls, c];
}

function buildModel(mc) {
  const cls = mc.class_name;
  const cfg = mc.config;
  if (cls === 'Sequential') {
    const layers = Array.isArray(cfg) ? cfg : cfg.layers;
    const name = Array.isArray(cfg) ? 'sequential' : cfg.name;
    const nodes = [];
    let prev = null;
    let inputShape = null;
    layers.forEach((l, i) => {
      const [lc, c] = normLayerConfig(l.class_name, l.config);
      if (i === 0 && lc !== 'InputLayer') {
        const bis = c.batch_input_shape || (cfg.build_input_shape);
        if (!bis) throw new Error('Sequential without input shape');
        const inName = (c.name || l.config.name) + '_input';
        nodes.push({ name: inName, class_name: 'InputLayer', config: { batch_input_shape: bis, dtype: 'float32', sparse: false, name: inName }, inbound: [] });
        prev = inName; inputShape = bis;
      }
      const node = { name: c.name || l.config.name, class_name: lc, config: c, inbound: prev ? [prev] : [] };
      if (lc === 'InputLayer') inputShape = c.batch_input_shape;
      if (MODEL_CLASSES.has(lc)) { node.model = buildModel(l); node.config = { name: node.name }; }
      nodes.push(node);
      prev = node.name;
    });
    return { name, class_name: 'Sequential', nodes, inputs: [nodes[0].name], outputs: [prev], inputShape };
  }
  if (cls === 'Functional' || cls === 'Model') {
    const nodes = [];
    let inputShape = null;
    for (const l of cfg.layers) {
      const [lc, c] = normLayerConfig(l.class_name, l.config);
      if ((l.inbound_nodes || []).length > 1) throw new Error(`${l.name}: shared layer (called ${l.inbound_nodes.length} times)`);
      let inb = (l.inbound_nodes && l.inbound_nodes[0]) || [];
      if (!Array.isArray(inb)) inb = keras3Inbound(l.name, inb);
      inb.forEach((e) => { if (e[1] !== 0 || e[2] !== 0) throw new Error(`${l.name}: inbound node/tensor index != 0`); });
      const node = { name: l.name, class_name: lc, config: c, inbound: inb.map((e) => e[0]) };
      if (lc === 'InputLayer') inputShape = inputShape || c.batch_input_shape;
      if (MODEL_CLASSES.has(lc)) { node.model = buildModel(l); node.config = { name: node.name }; }
      nodes.push(node);
    }
    // Keras 3 writes a single reference unwrapped (["x", 0, 0]); several outputs are a list of them
    const refs = (list) => (typeof list[0] === 'string' ? [list] : list);
    const inputs = refs(cfg.input_layers), outputs = refs(cfg.output_layers);
    if (inputs.length !== 1) throw new Error('single input only');
    return { name: cfg.name, class_name: 'Functional', nodes, inputs: [inputs[0][0]], outputs: outputs.map((o) => o[0]), inputShape };
  }
  throw new Error('model class ' + cls);
}

// A Keras 3 call {args: [{class_name: "__keras_tensor__", config: {keras_history: [layer, node, tensor]}}, ...]}
// as the Keras 2 list [[layer, node, tensor, {}], ...] (the tensors of args, in order, nested lists included).
function keras3Inbound(name, call) {
  const out = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && v.class_name === '__keras_tensor__') out.push([...v.config.keras_history, {}]);
  };
  walk(call.args);
  if (!out.length) throw new Error(`${name}: a Keras 3 call without tensor arguments`);
  return out;
}

// Keras 2 JSON (for tf.models.modelFromJSON) from the model description.
function toKeras2Json(model) {
  const layerJson = (n) => {
    if (n.model) { const j = toKeras2Json(n.model); j.name = n.name; j.config.name = n.name; return j; }
    const c = { ...n.config, name: n.name };
    // batch_input_shape only on the model's first layer (Keras 2.11 potato_disease carries a
    // 5-D [null,32,256,256,3] one on a later Conv2D, which tf.js rejects)
    if (n !== model.nodes[0] && n.class_name !== 'InputLayer') delete c.batch_input_shape;
    // tf.js 4.22 Resizing.computeOutputShape returns [h, w, h] for a batched 4-D input; a resize
    // to the input's own size is the identity (the executor checks the sizes), so it becomes a
    // linear Activation in this JSON
    if (n.class_name === 'Resizing') return { class_name: 'Activation', config: { name: n.name, activation: 'linear' }, name: n.name };
    return { class_name: n.class_name, config: c, name: n.name };
  };
  if (model.class_name === 'Sequential') {
    const layers = model.nodes.map((n) => { const j = layerJson(n); delete j.name; return j; });
    return { class_name: 'Sequential', config: { name: model.name, layers } };
  }
  return {
    class_name: 'Model',
    config: {
      name: model.name,
      layers: model.nodes.map((n) => ({ ...layerJson(n), inbound_nodes: n.inbound.length ? [n.inbound.map((p) => [p, 0, 0, {}])] : [] })),
      input_layers: model.inputs.map((p) => [p, 0, 0]),
      output_layers: model.outputs.map((p) => [p, 0, 0]),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Weights
// ---------------------------------------------------------------------------------------------
const ROLE_RE = /(?:^|[_/])(depthwise_kernel|pointwise_kernel|kernel|bias|gamma|beta|moving_mean|moving_variance|running_mean|running_std|W|b)$/;
const ROLE_MAP = { W: 'kernel', b: 'bias', running_mean: 'moving_mean', running_std: 'moving_variance' };
function roleOf(weightName) {
  const last = weightName.replace(/:\d+$/, '').split('/').pop();
  const m = ROLE_RE.exec(last);
  if (!m) throw new Error('cannot tell the role of weight ' + weightName);
  return ROLE_MAP[m[1]] || m[1];
}
function findNodePaths(model, name, prefix = '') {
  const out = [];
  for (const n of model.nodes) {
    if (n.model) out.push(...findNodePaths(n.model, name, prefix + n.name + '/'));
    else if (n.name === name) out.push(prefix + n.name);
  }
  return out;
}

// Reads /model_weights (or the root for weights-only files). Returns {weights: Map path->{role: tensor},
// listing: [{group, weight_names, shapes}]}
function readWeights(file, model, root) {
  const g = root === '/' ? file : file.get(root);
  const layerNames = strList(g.attrs.layer_names);
  const weights = new Map();
  const listing = [];
  const byName = new Map(model.nodes.map((n) => [n.name, n]));
  for (const ln of layerNames) {
    const lg = g.get(ln);
    const wnames = strList(lg.attrs.weight_names);
    listing.push({ group: ln, weight_names: wnames });
    if (!wnames.length) continue;
    const node = byName.get(ln);
    if (!node) throw new Error(`weights for ${ln}: no such top-level layer`);
    for (const wn of wnames) {
      const ds = lg.get(wn);
      if (!ds) throw new Error(`dataset ${root}/${ln}/${wn} missing`);
      const t = tf.tensor(Float32Array.from(ds.value), ds.shape);
      let p;
      if (node.model) {
        const parts = wn.replace(/:\d+$/, '').split('/');
        const inner = parts[parts.length - 2];
        const paths = findNodePaths(node.model, inner, ln + '/');
        if (paths.length !== 1) throw new Error(`weight ${wn} of nested ${ln}: ${paths.length} inner layers named ${inner}`);
        p = paths[0];
      } else p = ln;
      const role = roleOf(wn);
      if (!weights.has(p)) weights.set(p, {});
      if (weights.get(p)[role]) throw new Error(`${p}: two weights with role ${role}`);
      weights.get(p)[role] = t;
    }
  }
  return { weights, listing, layerNames };
}

// set the executor's weights into a tf.js LayersModel built by modelFromJSON
function setTfjsWeights(tfModel, weights) {
  let n = 0;
  for (const [p, roles] of weights) {
    let layer = tfModel;
    for (const part of p.split('/')) layer = layer.getLayer(part);
    const vals = layer.weights.map((w) => {
      const r = roleOf(w.originalName || w.name);
      if (!roles[r]) throw new Error(`${p}: tf.js weight ${w.originalName} has no value`);
      return roles[r];
    });
    layer.setWeights(vals);
    n += vals.length;
  }
  return n;
}

module.exports = { attrValue, strList, buildModel, toKeras2Json, readWeights, setTfjsWeights, roleOf, cleanStr };
