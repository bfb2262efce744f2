// Makes an HDF5 file written by h5wasm byte-reproducible: HDF5 (library default
// H5Pset_obj_track_times = true, which h5wasm does not expose) stores access/modification/
// change/birth times in every version-2 object header ("OHDR", flags bit 5). This sets the four
// times to 0 and recomputes the header checksum (Jenkins lookup3 hashlittle, initval 0, as HDF5's
// H5_checksum_lookup3). A header is only patched if its stored checksum verifies first.
'use strict';
const fs = require('fs');

function rot(x, k) { return ((x << k) | (x >>> (32 - k))) >>> 0; }
function lookup3(buf, initval = 0) {
  let length = buf.length;
  let a, b, c;
  a = b = c = (0xdeadbeef + length + initval) >>> 0;
  let o = 0;
  const u32 = (i) => (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) >>> 0;
  while (length > 12) {
    a = (a + u32(o)) >>> 0; b = (b + u32(o + 4)) >>> 0; c = (c + u32(o + 8)) >>> 0;
    // mix
    a = (a - c) >>> 0; a ^= rot(c, 4); c = (c + b) >>> 0;
    b = (b - a) >>> 0; b ^= rot(a, 6); a = (a + c) >>> 0;
    c = (c - b) >>> 0; c ^= rot(b, 8); b = (b + a) >>> 0;
    a = (a - c) >>> 0; a ^= rot(c, 16); c = (c + b) >>> 0;
    b = (b - a) >>> 0; b ^= rot(a, 19); a = (a + c) >>> 0;
    c = (c - b) >>> 0; c ^= rot(b, 4); b = (b + a) >>> 0;
    a >>>= 0; b >>>= 0; c >>>= 0;
    length -= 12; o += 12;
  }
  if (length === 0) return c;
  const k = (i) => (i < length ? buf[o + i] : 0);
  a = (a + (k(0) | (k(1) << 8) | (k(2) << 16) | (k(3) << 24))) >>> 0;
  b = (b + (k(4) | (k(5) << 8) | (k(6) << 16) | (k(7) << 24))) >>> 0;
  c = (c + (k(8) | (k(9) << 8) | (k(10) << 16) | (k(11) << 24))) >>> 0;
  // final
  c ^= b; c = (c - rot(b, 14)) >>> 0;
  a ^= c; a = (a - rot(c, 11)) >>> 0;
  b ^= a; b = (b - rot(a, 25)) >>> 0;
  c ^= b; c = (c - rot(b, 16)) >>> 0;
  a ^= c; a = (a - rot(c, 4)) >>> 0;
  b ^= a; b = (b - rot(a, 14)) >>> 0;
  c ^= b; c = (c - rot(b, 24)) >>> 0;
  return c >>> 0;
}

function zeroObjectTimes(file) {
  const buf = fs.readFileSync(file);
  let patched = 0, pos = 0;
  for (;;) {
    pos = buf.indexOf('OHDR', pos, 'latin1');
    if (pos < 0) break;
    const start = pos; pos += 4;
    if (buf[start + 4] !== 2) continue;
    const flags = buf[start + 5];
    let p = start + 6;
    const timesAt = flags & 0x20 ? p : -1;
    if (flags & 0x20) p += 16;
    if (flags & 0x10) p += 4;
    const sz = [1, 2, 4, 8][flags & 3];
    let chunk = 0;
    for (let i = 0; i < sz; i++) chunk += buf[p + i] * 2 ** (8 * i);
    p += sz;
    const end = p + chunk;
    if (end + 4 > buf.length) continue;
    if (lookup3(buf.subarray(start, end)) !== buf.readUInt32LE(end)) continue; // not a header
    if (timesAt < 0) continue;
    buf.fill(0, timesAt, timesAt + 16);
    buf.writeUInt32LE(lookup3(buf.subarray(start, end)), end);
    patched++;
  }
  fs.writeFileSync(file, buf);
  return patched;
}
module.exports = { zeroObjectTimes, lookup3 };
