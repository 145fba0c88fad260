// Draw a QR label as PNG (for the browser tests' fake camera): node tools/make-qr-label.mjs TEXT OUT.png
// The writer's wasm is read from node_modules: nothing is fetched from a CDN.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

const [text, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const wasmPath = require
  .resolve('zxing-wasm/writer')
  .replace(/dist\/(es|cjs)\/writer\/index\.(js|cjs)$/, 'dist/writer/zxing_writer.wasm');
await prepareZXingModule({ overrides: { wasmBinary: readFileSync(wasmPath) }, fireImmediately: true });
const result = await writeBarcode(text, { format: 'QRCode', scale: 8 });
if (result.error) throw new Error(result.error);
writeFileSync(out, Buffer.from(await result.image.arrayBuffer()));
