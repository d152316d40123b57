#!/usr/bin/env node
// Draws Orchard's app icon and tray icons as PNGs into resources/ (run once; the PNGs are committed).
// No image library: shapes are signed-distance functions, 4x4 supersampled, written with node's zlib.
//   node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');

// --- PNG encoding -------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** rgba: Uint8Array of size*size*4, straight (non-premultiplied) alpha. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    sig,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- Shapes (unit square coordinates, 0..1, y down) -----------------------------------------------
const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const qx = Math.max(x0 + r - x, x - (x1 - r), 0);
  const qy = Math.max(y0 + r - y, y - (y1 - r), 0);
  const inside = Math.min(Math.max(x0 + r - x, x - (x1 - r), y0 + r - y, y - (y1 - r)), 0);
  return Math.hypot(qx, qy) + inside - r;
};
const union =
  (...fs) =>
  (x, y) =>
    Math.min(...fs.map((f) => f(x, y)));
const hex = (h, a = 1) => [
  parseInt(h.slice(1, 3), 16),
  parseInt(h.slice(3, 5), 16),
  parseInt(h.slice(5, 7), 16),
  a,
];

/** layers: [{ shape, color: (x,y) => [r,g,b,a] | [r,g,b,a] }], painted in order with "over". */
function render(size, layers) {
  const S = 4;
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0; // premultiplied accumulation over the subsamples
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          let cr = 0,
            cg = 0,
            cb = 0,
            ca = 0;
          for (const l of layers) {
            if (l.shape(x, y) > 0) continue;
            const [lr, lg, lb, la] = typeof l.color === 'function' ? l.color(x, y) : l.color;
            cr = lr * la + cr * (1 - la);
            cg = lg * la + cg * (1 - la);
            cb = lb * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      const n = S * S;
      out[i + 3] = Math.round((a / n) * 255);
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
    }
  }
  return out;
}

// --- The drawings -------------------------------------------------------------------------------
function appIcon(size) {
  const mix = (c0, c1, t) => c0.map((v, i) => v + (c1[i] - v) * t);
  const top = hex('#2f6b3f');
  const bottom = hex('#173323');
  return render(size, [
    { shape: roundRect(0.04, 0.04, 0.96, 0.96, 0.2), color: (_x, y) => mix(top, bottom, y) },
    // ground
    { shape: roundRect(0.16, 0.78, 0.84, 0.84, 0.03), color: hex('#0f2418', 0.6) },
    // trunk
    { shape: roundRect(0.46, 0.5, 0.54, 0.8, 0.02), color: hex('#7a4a2a') },
    // canopy: three overlapping circles
    {
      shape: union(circle(0.38, 0.44, 0.17), circle(0.62, 0.44, 0.17), circle(0.5, 0.3, 0.2)),
      color: (_x, y) => mix(hex('#9ad97f'), hex('#5aa84e'), (y - 0.1) / 0.5),
    },
    // apples
    { shape: circle(0.4, 0.4, 0.04), color: hex('#e04a3a') },
    { shape: circle(0.6, 0.33, 0.04), color: hex('#e04a3a') },
    { shape: circle(0.56, 0.52, 0.04), color: hex('#e04a3a') },
  ]);
}

// Tray: a small tree, coloured by fleet state; "waiting" adds an amber badge so it reads at 16px.
const TRAY_STATES = {
  idle: { canopy: '#8a9a8c', badge: null },
  working: { canopy: '#4caf50', badge: null },
  waiting: { canopy: '#4caf50', badge: '#ffb300' },
};
function trayIcon(size, state) {
  const { canopy, badge } = TRAY_STATES[state];
  const layers = [
    { shape: roundRect(0.43, 0.5, 0.57, 0.94, 0.04), color: hex('#6d4c33') },
    {
      shape: union(circle(0.3, 0.45, 0.24), circle(0.7, 0.45, 0.24), circle(0.5, 0.28, 0.26)),
      color: hex(canopy),
    },
  ];
  if (badge) {
    layers.push({ shape: circle(0.76, 0.76, 0.25), color: hex('#1b1b1b') });
    layers.push({ shape: circle(0.76, 0.76, 0.2), color: hex(badge) });
  }
  return render(size, layers);
}

function write(name, size, rgba) {
  const file = join(OUT, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodePng(size, rgba));
  console.log(`${name} ${size}x${size}`);
}

write('icon.png', 512, appIcon(512));
for (const state of Object.keys(TRAY_STATES)) {
  write(`tray/${state}.png`, 16, trayIcon(16, state));
  write(`tray/${state}@2x.png`, 32, trayIcon(32, state));
}
