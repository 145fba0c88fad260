// Scan: camera QR reading with a big manual-entry fallback; resolves offline through the pack.
import { findAssetByQrToken, listAll } from '../db/pack.js';
import { createDecoder, tokenFromLabel } from '../scan/decode.js';
import { t } from '../i18n/index.js';
import { h, show } from './dom.js';
import { go } from './router.js';

let stopCamera = () => {};

async function resolve(text, message) {
  const token = tokenFromLabel(text);
  if (!token) return;
  // A label's token, or the asset code printed under it (typed with gloves on).
  const asset = (await findAssetByQrToken(token))
    || (await listAll('assets')).find((row) => row.code.toLowerCase() === token.toLowerCase());
  if (asset) {
    stopCamera();
    go(`/asset/${asset.id}`);
  } else {
    message.textContent = t('unknown_code', { code: token });
  }
}

async function startCamera(video, message) {
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
        await resolve(text, message);
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
  window.addEventListener('hashchange', () => stopCamera(), { once: true });
  show(h('section', { class: 'screen', 'data-testid': 'scan' },
    h('h1', {}, t('scan_title')),
    h('button', { class: 'big primary', 'data-testid': 'start-camera', onclick: () => startCamera(video, message) }, t('start_camera')),
    video,
    message,
    h('form', { class: 'stack', onsubmit: (event) => { event.preventDefault(); resolve(code.value, message); } },
      h('label', { for: 'manual-code' }, t('manual_code')), code,
      h('button', { type: 'submit', class: 'big' }, t('lookup')))));
}
