// Draw the app icons as PNG (a white tick on Roundbook green) with no image library.
import { deflateSync } from 'node:zlib';

const GREEN = [0x0b, 0x5d, 0x3b];
// The tick's corners in a 512 px square, as icons/icon.svg.
const TICK = [
  [136, 266],
  [216, 346],
  [376, 170],
];

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const along = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + along * dx), py - (ay + along * dy));
}

/** A square PNG of `size` px; `padding` shrinks the tick for maskable icons' safe zone. */
export function iconPng(size, padding = 0) {
  const rows = [];
  const scale = 512 / size;
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x += 1) {
      const u = 256 + (x * scale - 256) / (1 - padding);
      const v = 256 + (y * scale - 256) / (1 - padding);
      const onTick =
        Math.min(distanceToSegment(u, v, TICK[0], TICK[1]), distanceToSegment(u, v, TICK[1], TICK[2])) < 28;
      const colour = onTick ? [255, 255, 255] : GREEN;
      row.set(colour, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
