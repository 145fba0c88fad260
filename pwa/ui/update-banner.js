// "Update ready": a new service worker waits until the user taps, then takes over and the page
// reloads. Drafts and the outbox live in IndexedDB, so nothing is lost.
import { t } from '../i18n/index.js';
import { h } from './dom.js';

let updateAccepted = false;

async function applyUpdate(worker) {
  updateAccepted = true;
  // A note being typed is saved on `change`: blur it and let the save land before the reload.
  document.activeElement?.blur?.();
  await new Promise((done) => setTimeout(done, 300));
  worker.postMessage({ type: 'SKIP_WAITING' });
}

function offer(worker) {
  const banner = document.getElementById('update-banner');
  banner.replaceChildren(
    h('span', {}, t('update_ready')),
    h(
      'button',
      { class: 'choice', 'data-testid': 'apply-update', onclick: () => applyUpdate(worker) },
      t('update_apply'),
    ),
  );
  banner.hidden = false;
}

export async function watchForUpdates() {
  if (!('serviceWorker' in navigator)) return;
  const hadController = Boolean(navigator.serviceWorker.controller);
  const registration = await navigator.serviceWorker.register('./sw.js', { scope: './' });
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Reload when a controller replaced another (an update), not on the first install's claim;
    // a page first opened before any worker still reloads once its user accepted an update.
    if (reloading || !(hadController || updateAccepted)) return;
    reloading = true;
    window.location.reload();
  });
}
