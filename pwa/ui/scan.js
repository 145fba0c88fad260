// Scan: camera QR reading with a big manual-entry fallback; resolves offline through the pack. An
// unknown code says so, and a crew may register the asset on the spot (register-asset.js).
import { listUsableAssets } from '../db/registrations.js';
import { createDecoder, tokenFromLabel } from '../scan/decode.js';
import { t } from '../i18n/index.js';
import { h, show } from './dom.js';
import { unknownCodePanel } from './register-asset.js';
import { go } from './router.js';

let stopCamera = () => {};

/** The asset a label's token, or the code printed under it (typed with gloves on), names. */
async function findScanned(token) {
  const wanted = token.toLowerCase();
  // Registrations this phone made that the server refused are left out: the label is another's.
  const assets = await listUsableAssets();
  return (
    assets.find((row) => row.qr_token === token) || assets.find((row) => (row.code || '').toLowerCase() === wanted)
  );
}

async function resolve(text, message, unknown) {
  const token = tokenFromLabel(text);
  if (!token) return;
  const asset = await findScanned(token);
  // Either way the camera stops: the asset opens, or the user reads what to do next.
  stopCamera();
  if (asset) {
    go(`/asset/${asset.id}`);
    return;
  }
  message.textContent = t('not_registered', { code: token });
  unknown.replaceChildren(await unknownCodePanel(text));
}

async function startCamera(video, message, unknown) {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    video.srcObject = stream;
    await video.play();
    const decode = await createDecoder();
    message.textContent = t('scanning');
    let running = true;
    stopCamera = () => {
      running = false;
      stream.getTracks().forEach((track) => track.stop());
    };
    while (running) {
      const text = await decode(video).catch(() => null);
      if (text) {
        await resolve(text, message, unknown);
        if (!text.startsWith('roundbook:') || !running) break;
      }
      await new Promise((done) => setTimeout(done, 200));
    }
  } catch {
    message.textContent = t('camera_unavailable');
  }
}

export function renderScan() {
  stopCamera();
  const message = h('p', { class: 'message', role: 'status', 'data-testid': 'scan-message' });
  const video = h('video', { class: 'viewfinder', playsinline: true, muted: true, 'aria-label': t('scan_title') });
  const code = h('input', { id: 'manual-code', autocapitalize: 'characters', autocomplete: 'off' });
  const unknown = h('div', { 'data-testid': 'unknown-code' });
  window.addEventListener('hashchange', () => stopCamera(), { once: true });
  show(
    h(
      'section',
      { class: 'screen', 'data-testid': 'scan' },
      h('h1', {}, t('scan_title')),
      h(
        'button',
        { class: 'big primary', 'data-testid': 'start-camera', onclick: () => startCamera(video, message, unknown) },
        t('start_camera'),
      ),
      video,
      message,
      unknown,
      h(
        'form',
        {
          class: 'stack',
          onsubmit: (event) => {
            event.preventDefault();
            resolve(code.value, message, unknown);
          },
        },
        h('label', { for: 'manual-code' }, t('manual_code')),
        code,
        h('button', { type: 'submit', class: 'big' }, t('lookup')),
      ),
    ),
  );
}
