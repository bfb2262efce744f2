// The page behind `gradcam serve`: plain JavaScript, no framework, nothing fetched from elsewhere.
// It talks to the JSON API (README: "The web page"), blends each heatmap over its picture in the
// browser (so the opacity slider never recomputes a map) and builds the downloads itself.
'use strict';

const $ = (id) => document.getElementById(id);

const state = {
  image: null,        // the picture being explained: {blob, name}
  chosenClass: '',    // '' = the predicted class; else the class index clicked
  job: null,          // id of the explanation under way
  poll: null,         // its progress timer
};

/** fetch + JSON; an error answer ({"error", "kind"}) becomes an Error with the server's message. */
async function api(path, options) {
  const response = await fetch(path, options);
  let body;
  try {
    body = await response.json();
  } catch (e) {
    body = { error: response.status + ' ' + response.statusText };
  }
  if (!response.ok) {
    const error = new Error(body.error || response.statusText);
    error.kind = body.kind;
    throw error;
  }
  return body;
}

function say(text) { $('status').textContent = text; }
function fail(text) { $('error').textContent = text; }

function option(select, value, text) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  select.append(o);
  return o;
}

async function init() {
  try {
    const [models, choices, demos, audits] = await Promise.all([
      api('/api/models'), api('/api/methods'), api('/api/demo-images'), api('/api/audits')]);
    const kinds = { demo: 'bundled demo', file: 'model file', application: 'keras.applications, cached weights' };
    models.forEach((m) => option($('model'), m.id, m.id + ' (' + (kinds[m.kind] || m.kind) + ')'));
    choices.methods.forEach((m) => option($('method'), m, m));
    choices.colormaps.forEach((c) => option($('colormap'), c, c));
    demos.forEach(addDemoButton);
    if (audits.length > 0) {
      audits.forEach((a) => option($('audit'), a.id, a.id + ' (' + a.images + ' images, ' + a.method + ')'));
      $('audits-section').hidden = false;
      showAudit();
    }
    await loadLayers();
    $('explain').disabled = false;
    say('Ready: choose an image.');
  } catch (e) {
    fail('The page could not start: ' + e.message);
  }
}

function addDemoButton(name) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'demo';
  b.dataset.name = name;
  b.setAttribute('aria-label', 'demo image ' + name);
  const img = document.createElement('img');
  img.src = '/api/demo-images/' + encodeURIComponent(name);
  img.alt = '';
  b.append(img);
  b.addEventListener('click', async () => {
    const blob = await (await fetch(img.src)).blob();
    useImage(blob, name);
  });
  $('demo-images').append(b);
}

/** The layer list of the chosen model, the suggested layer marked. */
async function loadLayers() {
  const select = $('layer');
  select.replaceChildren();
  option(select, 'auto', 'auto (the suggested layer)');
  try {
    const summary = await api('/api/models/' + encodeURIComponent($('model').value) + '/layers');
    summary.layers.filter((l) => l.output_shape.length === 3).forEach((l) => {
      const suggested = l.name === summary.gradcam_layer;
      option(select, l.name, l.name + '  ' + l.output_shape.join('×') + (suggested ? '  (suggested)' : ''));
    });
  } catch (e) {
    fail('Could not list the layers: ' + e.message);
  }
}

function useImage(blob, name) {
  state.image = { blob, name };
  state.chosenClass = '';
  explain();
}

/** Explains the current image with the settings of the form; the answer adds a card. */
async function explain() {
  if (!state.image) {
    fail('Choose an image first.');
    return;
  }
  if (state.job) {
    return;   // one at a time from this page; the server queues other users
  }
  fail('');
  const job = 'job-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
  const form = new FormData();
  form.append('image', state.image.blob, state.image.name);
  form.append('model', $('model').value);
  form.append('method', $('method').value);
  form.append('layer', $('layer').value);
  form.append('score', $('score').value);
  form.append('colormap', $('colormap').value);
  form.append('alpha', $('opacity').value);
  if ($('samples').value) {
    form.append('samples', $('samples').value);
  }
  form.append('class', state.chosenClass);
  form.append('job', job);
  running(job);
  try {
    const report = await api('/api/explain', { method: 'POST', body: form });
    showPredictions(report);
    await addCards(report);
    say('Explained ' + state.image.name + ' with ' + report.method + '.');
  } catch (e) {
    if (e.kind === 'cancelled') {
      say('Cancelled.');
    } else {
      fail(e.message);
      say('');
    }
  } finally {
    running(null);
  }
}

function running(job) {
  state.job = job;
  $('explain').disabled = job !== null;
  $('cancel').disabled = job === null;
  $('progress').hidden = job === null;
  clearInterval(state.poll);
  if (job) {
    say('Explaining…');
    $('progress').removeAttribute('value');   // indeterminate until the method reports passes
    state.poll = setInterval(() => pollJob(job), 300);
  }
}

async function pollJob(job) {
  try {
    const j = await api('/api/jobs/' + job);
    if (j.state === 'queued') {
      say('Waiting for the model (other explanations first)…');
    } else if (j.total > 0) {
      $('progress').max = j.total;
      $('progress').value = j.done;
      say('Explaining: ' + j.what + ' ' + j.done + '/' + j.total);
    }
  } catch (e) {
    // the job finished between two polls: its answer is on its way
  }
}

async function cancel() {
  if (state.job) {
    try {
      await api('/api/jobs/' + state.job, { method: 'DELETE' });
      say('Cancelling…');
    } catch (e) {
      // already finished
    }
  }
}

function showPredictions(report) {
  const list = $('predictions');
  list.replaceChildren();
  const classifier = report.logits !== undefined;
  report.predictions.forEach((p) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'prediction';
    b.dataset.index = p.index;
    const figure = classifier ? (100 * p.probability).toFixed(2) + ' %' : p.probability.toPrecision(4);
    b.textContent = p.label + ' (' + p.index + '): ' + figure;
    b.setAttribute('aria-label', 'explain ' + p.label + ', ' + figure);
    if (report.targets.some((t) => t.index === p.index)) {
      b.classList.add('chosen');
    }
    b.addEventListener('click', () => {
      state.chosenClass = String(p.index);
      explain();
    });
    li.append(b);
    list.append(li);
  });
  $('predictions-hint').textContent = 'Top classes of ' + report.image + '. Choose one to explain it with the settings on the left.';
}

function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('could not decode a picture of the answer'));
    img.src = src;
  });
}

/** One card per explained class: raw map and overlay side by side, and the downloads. */
async function addCards(report) {
  const picture = await loadImage(report.picture);
  for (const target of report.targets) {
    const heat = await loadImage(target.heatmap);
    const card = document.createElement('article');
    card.className = 'card';
    const title = document.createElement('h3');
    title.textContent = target.label + ' (' + target.index + ') · ' + report.method;
    const meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = (report.layer ? 'layer ' + report.layer.name + ' ' + report.layer.shape.join('×') + ' · ' : '')
      + 'score ' + report.score + ' ' + Number(target.score).toPrecision(4) + ' · ' + target.status
      + ' · ' + report.image;
    const pair = document.createElement('div');
    pair.className = 'pair';
    const raw = document.createElement('img');
    raw.className = 'raw';
    raw.src = target.map;
    raw.alt = 'raw map of ' + target.label + ', ' + target.cam.length + ' by ' + target.cam[0].length;
    const canvas = document.createElement('canvas');
    canvas.className = 'overlay';
    canvas.width = picture.naturalWidth;
    canvas.height = picture.naturalHeight;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'overlay of the map for ' + target.label + ' on the picture');
    pair.append(figure(raw, 'raw map ' + target.cam.length + '×' + target.cam[0].length),
      figure(canvas, 'overlay'));
    card.blend = () => blend(canvas, picture, heat, target.drawable, Number($('opacity').value));
    card.blend();
    const stem = report.image.replace(/\.[^.]*$/, '') + '.' + target.index + '_' + target.label + '.' + report.method;
    card.append(title, meta, pair, downloads(canvas, stem, report, target));
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'plain';
    close.textContent = 'Remove';
    close.setAttribute('aria-label', 'remove the card of ' + target.label + ' · ' + report.method);
    close.addEventListener('click', () => card.remove());
    card.append(close);
    $('results').prepend(card);
  }
}

function figure(content, caption) {
  const f = document.createElement('figure');
  const c = document.createElement('figcaption');
  c.textContent = caption;
  f.append(content, c);
  return f;
}

/**
 * explain's overlay, computed here for any opacity: picture + alpha × heatmap per channel, then
 * scaled so that its minimum is 0 and its maximum 255 (the Keras Grad-CAM example's
 * array_to_img), truncated as astype(uint8). A map with nothing to show leaves the picture as is.
 */
function blend(canvas, picture, heat, drawable, alpha) {
  const w = canvas.width;
  const h = canvas.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(picture, 0, 0);
  if (!drawable) {
    return;
  }
  const out = ctx.getImageData(0, 0, w, h);
  const scratch = document.createElement('canvas');
  scratch.width = w;
  scratch.height = h;
  const sctx = scratch.getContext('2d');
  sctx.drawImage(heat, 0, 0);
  const hp = sctx.getImageData(0, 0, w, h).data;
  const p = out.data;
  const a = Math.fround(alpha);   // the server computes in float, as numpy's float32 arrays
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < p.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const v = Math.fround(p[i + c] + Math.fround(a * hp[i + c]));
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const scale = max > min ? Math.fround(255 / Math.fround(max - min)) : 0;
  for (let i = 0; i < p.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const v = Math.fround(p[i + c] + Math.fround(a * hp[i + c]));
      p[i + c] = Math.min(255, Math.max(0, Math.trunc(Math.fround(Math.fround(v - min) * scale))));
    }
    p[i + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
}

function downloads(canvas, stem, report, target) {
  const box = document.createElement('div');
  box.className = 'downloads';
  const png = link('overlay PNG', stem + '.overlay.png');
  png.addEventListener('click', () => { png.href = canvas.toDataURL('image/png'); });
  const npy = link('map .npy', stem + '.cam.npy');
  npy.href = URL.createObjectURL(new Blob([npyFile(target.cam)], { type: 'application/octet-stream' }));
  const json = link('JSON report', stem + '.json');
  json.href = URL.createObjectURL(new Blob([JSON.stringify(plainReport(report, target), null, 2)],
    { type: 'application/json' }));
  box.append(png, npy, json);
  return box;
}

function link(text, fileName) {
  const a = document.createElement('a');
  a.textContent = text;
  a.download = fileName;
  a.href = '#';
  return a;
}

/** The report as `gradcam explain --json` prints it: this target only, without the pictures. */
function plainReport(report, target) {
  const copy = JSON.parse(JSON.stringify(report));
  delete copy.picture;
  copy.targets = copy.targets.filter((t) => t.index === target.index);
  copy.targets.forEach((t) => { delete t.map; delete t.heatmap; delete t.overlay; delete t.drawable; });
  return copy;
}

/** A (H, W) map as a NumPy .npy file (format 1.0, little-endian float32), as explain writes it. */
function npyFile(rows) {
  const h = rows.length;
  const w = rows[0].length;
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + h + ', ' + w + '), }';
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + 4 * h * w);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);   // \x93NUMPY, version 1.0
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) {
    bytes[10 + i] = header.charCodeAt(i);
  }
  const data = new DataView(bytes.buffer, 10 + header.length);
  rows.forEach((row, y) => row.forEach((v, x) => data.setFloat32(4 * (y * w + x), v === null ? NaN : v, true)));
  return bytes;
}

// --- audits: the report's galleries, each image linked to its explanation ---

async function showAudit() {
  const id = $('audit').value;
  $('audit-report').href = '/api/audits/' + encodeURIComponent(id) + '/report';
  const audit = await api('/api/audits/' + encodeURIComponent(id));
  const s = audit.summary || {};
  $('audit-summary').textContent = audit.images.length + ' images audited with ' + audit.provenance.method
    + (s.accuracy !== undefined ? ', accuracy ' + (100 * s.accuracy).toFixed(1) + ' %' : '')
    + '. Choose an image to explain it here.';
  const galleries = $('audit-galleries');
  galleries.replaceChildren();
  const indexed = audit.images.map((image, index) => ({ image, index }));
  const right = (e) => e.image.true_index === undefined || e.image.true_index === e.image.predicted_index;
  const outside = (e) => (e.image.on_object === undefined || e.image.on_object === null ? 1 : e.image.on_object);
  // with object masks or boxes the galleries are ordered as the audit's report orders them
  const located = audit.images.some((image) => image.on_object !== undefined && image.on_object !== null);
  const order = located ? ', looking most outside the object' : '';
  gallery(galleries, id, audit, 'Right answers' + order, indexed.filter(right).sort((a, b) => outside(a) - outside(b)));
  gallery(galleries, id, audit, 'Wrong answers' + order, indexed.filter((e) => !right(e)).sort((a, b) => outside(a) - outside(b)));
}

function gallery(parent, id, audit, title, entries) {
  const h = document.createElement('h3');
  h.textContent = title + ' (' + entries.length + ')';
  const box = document.createElement('div');
  box.className = 'gallery';
  entries.slice(0, 24).forEach(({ image, index }) => {
    const b = document.createElement('button');
    b.type = 'button';
    const src = '/api/audits/' + encodeURIComponent(id) + '/images/' + index;
    const img = document.createElement('img');
    img.src = src;
    img.alt = '';
    const text = document.createElement('span');
    text.textContent = image.image + ': ' + image.predicted_label
      + (image.on_object !== undefined && image.on_object !== null ? ', on object ' + (100 * image.on_object).toFixed(0) + ' %' : '');
    b.append(img, text);
    b.setAttribute('aria-label', 'explain ' + image.image + ', predicted ' + image.predicted_label);
    b.addEventListener('click', async () => {
      const method = audit.provenance.method;
      if ([...$('method').options].some((o) => o.value === method)) {
        $('method').value = method;
      }
      const blob = await (await fetch(src)).blob();
      state.image = { blob, name: image.image.split('/').pop() };
      state.chosenClass = String(image.explained_index !== undefined ? image.explained_index : image.predicted_index);
      explain();
    });
    box.append(b);
  });
  parent.append(h, box);
}

// --- wiring ---

document.addEventListener('DOMContentLoaded', () => {
  $('settings').addEventListener('submit', (e) => { e.preventDefault(); explain(); });
  $('cancel').addEventListener('click', cancel);
  $('clear').addEventListener('click', () => $('results').replaceChildren());
  $('model').addEventListener('change', () => { state.chosenClass = ''; loadLayers(); });
  $('audit').addEventListener('change', showAudit);
  $('opacity').addEventListener('input', () => {
    $('opacity-value').textContent = Number($('opacity').value).toFixed(2);
    document.querySelectorAll('#results .card').forEach((card) => card.blend());
  });
  $('image-file').addEventListener('change', () => {
    const file = $('image-file').files[0];
    if (file) {
      useImage(file, file.name);
    }
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) {
      useImage(file, file.name);
    }
  });
  init();
});
