// Read QR labels: the browser's BarcodeDetector where it exists, else zxing-wasm, whose wasm file
// is served from /app/ (precached, so scanning works in a basement; never fetched from a CDN).
const LABEL_PREFIX = 'roundbook:asset:';

/** The QR token in a label's text, or the text itself (a typed code or token). */
export function tokenFromLabel(text) {
  const value = (text || '').trim();
  return value.startsWith(LABEL_PREFIX) ? value.slice(LABEL_PREFIX.length) : value;
}

async function nativeDetector() {
  if (!('BarcodeDetector' in self)) return null;
  const formats = await self.BarcodeDetector.getSupportedFormats().catch(() => []);
  if (!formats.includes('qr_code')) return null;
  const detector = new self.BarcodeDetector({ formats: ['qr_code'] });
  return async (video) => (await detector.detect(video))[0]?.rawValue || null;
}

async function zxingDetector() {
  const { prepareZXingModule, readBarcodes } = await import('zxing-wasm/reader');
  prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) =>
        path.endsWith('.wasm') ? new URL('zxing_reader.wasm', self.location.href.split('#')[0]).href : prefix + path,
    },
  });
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!video.videoWidth) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const results = await readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
    return results.find((result) => result.isValid)?.text || null;
  };
}

/** A function video -> text | null, from the best reader this browser has. */
export async function createDecoder() {
  return (await nativeDetector()) || zxingDetector();
}
