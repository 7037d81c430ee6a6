#!/usr/bin/env node
/**
 * Renders the app icon from resources/icons/lantern.svg into what electron-builder
 * packages: resources/icons/png/<n>x<n>.png (Linux) and resources/icons/lantern.ico
 * (Windows; PNG-compressed entries, 16…256 px). The outputs are committed, so
 * packaging and CI need nothing; run this only when the SVG changes.
 *
 *   node scripts/icons.mjs          (needs rsvg-convert: apt-get install librsvg2-bin)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const icons = join(root, 'resources', 'icons');
const svg = join(icons, 'lantern.svg');
const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** ICO container with PNG images (Windows Vista+); a 256 px entry is written as width/height 0. */
export function buildIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const dir = Buffer.alloc(16 * images.length);
  let offset = 6 + dir.length;
  images.forEach(({ size, png }, i) => {
    const e = i * 16;
    dir.writeUInt8(size >= 256 ? 0 : size, e);
    dir.writeUInt8(size >= 256 ? 0 : size, e + 1);
    dir.writeUInt8(0, e + 2); // palette
    dir.writeUInt8(0, e + 3);
    dir.writeUInt16LE(1, e + 4); // colour planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(png.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, dir, ...images.map((i) => i.png)]);
}

function render(size) {
  return execFileSync('rsvg-convert', ['--width', String(size), '--height', String(size), '--format', 'png', svg]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(join(icons, 'png'), { recursive: true });
  const rendered = new Map(PNG_SIZES.map((s) => [s, render(s)]));
  for (const [size, png] of rendered) writeFileSync(join(icons, 'png', `${size}x${size}.png`), png);
  writeFileSync(join(icons, 'lantern.ico'), buildIco(ICO_SIZES.map((size) => ({ size, png: rendered.get(size) }))));
  writeFileSync(join(icons, 'lantern.png'), rendered.get(512));
  console.log(`icons: ${PNG_SIZES.length} PNGs, lantern.ico (${ICO_SIZES.join('/')}), from ${readFileSync(svg).length}-byte SVG`);
}
