// Draws the extension's icon (media/icon.png, 128x128 RGBA) from shapes: three switches joined by links
// that carry three coloured slices, on a rounded blue tile. No image library: shapes are signed distance
// functions, sampled 4x4 per pixel for smooth edges, and the PNG is written with node:zlib.
//   node client/scripts/draw-icon.mjs [out.png]
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 128;
const SS = 4;

/** Distance from (x, y) to a rounded rectangle (negative inside). */
const roundRect = (x0, y0, x1, y1, r) => (x, y) => {
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const qx = Math.abs(x - cx) - ((x1 - x0) / 2 - r), qy = Math.abs(y - cy) - ((y1 - y0) / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};

/** Distance from (x, y) to a segment of width w (a thick line with round ends). */
const segment = (ax, ay, bx, by, w) => (x, y) => {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy) - w / 2;
};

const union = (...fs) => (x, y) => Math.min(...fs.map((f) => f(x, y)));

// Layers, back to front: [shape, colour(x, y) -> [r, g, b]].
const tile = roundRect(4, 4, 124, 124, 26);
const blue = (_x, y) => {
  const t = y / SIZE;
  return [Math.round(0x1d + (0x0b - 0x1d) * t), Math.round(0x4e + (0x6e - 0x4e) * t), Math.round(0xd8 + (0x8f - 0xd8) * t)];
};
const left = [22, 26, 54, 48];
const right = [74, 26, 106, 48];
const bottom = [48, 84, 80, 106];
// Three slices share every link: parallel lanes, offset across each link.
const lanes = [[-6, [0xfb, 0xbf, 0x24]], [0, [0x34, 0xd3, 0x99]], [6, [0xf4, 0x72, 0xb6]]];
const linkEnds = [[38, 48, 58, 84], [90, 48, 70, 84], [54, 37, 74, 37]];
const lane = ([ax, ay, bx, by], o) => {
  const len = Math.hypot(bx - ax, by - ay);
  const nx = (-(by - ay) / len) * o, ny = ((bx - ax) / len) * o;
  return segment(ax + nx, ay + ny, bx + nx, by + ny, 3.4);
};
const links = lanes.map(([o, colour]) => [union(...linkEnds.map((l) => lane(l, o))), () => colour]);
const white = () => [0xff, 0xff, 0xff];
const port = () => [0x1e, 0x3a, 0x8a];
const box = ([x0, y0, x1, y1]) => roundRect(x0, y0, x1, y1, 5);
const ports = ([x0, y0, x1, y1]) => union(...[0, 1, 2].map((i) => roundRect(x0 + 6 + i * 8, (y0 + y1) / 2 - 2, x0 + 10 + i * 8, (y0 + y1) / 2 + 2, 1)));
const layers = [
  [tile, blue],
  ...links,
  ...[left, right, bottom].flatMap((b) => [[box(b), white], [ports(b), port]]),
];

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = px + (sx + 0.5) / SS, y = py + (sy + 0.5) / SS;
          let c = [0, 0, 0], alpha = 0;
          for (const [shape, colour] of layers) {
            if (shape(x, y) <= 0) {
              c = colour(x, y);
              alpha = 1;
            }
          }
          r += c[0] * alpha; g += c[1] * alpha; b += c[2] * alpha; a += alpha;
        }
      }
      const i = (py * SIZE + px) * 4;
      rgba[i] = a ? Math.round(r / a) : 0;
      rgba[i + 1] = a ? Math.round(g / a) : 0;
      rgba[i + 2] = a ? Math.round(b / a) : 0;
      rgba[i + 3] = Math.round((255 * a) / (SS * SS));
    }
  }
  return rgba;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
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

export function png(rgba, width = SIZE, height = SIZE) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'media', 'icon.png');
writeFileSync(out, png(render()));
console.log(`icon written to ${out}`);
