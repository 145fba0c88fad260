// Build the field app into dist/: hashed bundles, index.html, icons, the zxing wasm, and a
// service worker whose precache manifest lists every file with its revision (Workbox format).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { iconPng } from './tools/make-icons.mjs';

const ROOT = dirname(fileURLToPath(import.meta.url));
// Test-only flags: the update test builds a second version (another label) into a temp dir.
const DIST = process.env.ROUNDBOOK_PWA_OUT || join(ROOT, 'dist');
const BUILD_LABEL = process.env.ROUNDBOOK_BUILD_LABEL || '';
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function bundleApp() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['app.js', 'styles.css'],
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['chrome90', 'safari15', 'firefox90'],
    minify: true,
    sourcemap: false,
    outdir: DIST,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const find = (entry) => relative(DIST, join(ROOT, outputs.find(([, meta]) => meta.entryPoint === entry)[0]));
  return { app: find('app.js'), styles: find('styles.css') };
}

function writeStatic({ app, styles }) {
  const html = readFileSync(join(ROOT, 'index.html'), 'utf8').replace('%APP%', app).replace('%STYLES%', styles);
  writeFileSync(join(DIST, 'index.html'), html);
  copyFileSync(join(ROOT, 'manifest.webmanifest'), join(DIST, 'manifest.webmanifest'));
  mkdirSync(join(DIST, 'icons'), { recursive: true });
  copyFileSync(join(ROOT, 'icons/icon.svg'), join(DIST, 'icons/icon.svg'));
  writeFileSync(join(DIST, 'icons/icon-192.png'), iconPng(192));
  writeFileSync(join(DIST, 'icons/icon-512.png'), iconPng(512));
  writeFileSync(join(DIST, 'icons/icon-maskable-512.png'), iconPng(512, 0.2));
  // Served from /app/ and precached: scanning must work with no network, never from a CDN.
  copyFileSync(join(ROOT, 'node_modules/zxing-wasm/dist/reader/zxing_reader.wasm'), join(DIST, 'zxing_reader.wasm'));
}

function precacheManifest() {
  return filesUnder(DIST).map((path) => {
    const url = relative(DIST, path).split('\\').join('/');
    // Hashed names carry their version; the others get a content hash as revision.
    const revision = HASHED.test(url)
      ? null
      : createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
    return { url, revision };
  });
}

async function bundleServiceWorker(manifest) {
  await build({
    absWorkingDir: ROOT,
    entryPoints: ['sw/index.js'],
    bundle: true,
    format: 'iife',
    target: ['chrome90', 'safari15', 'firefox90'],
    minify: true,
    outfile: join(DIST, 'sw.js'),
    define: {
      'self.__WB_MANIFEST': JSON.stringify(manifest),
      __BUILD_LABEL__: JSON.stringify(BUILD_LABEL),
      'process.env.NODE_ENV': '"production"',
    },
    logLevel: 'warning',
  });
}

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
const names = await bundleApp();
writeStatic(names);
const manifest = precacheManifest();
await bundleServiceWorker(manifest);
console.log(`pwa: built ${manifest.length} precached files into ${relative(process.cwd(), DIST) || 'dist'}`);
