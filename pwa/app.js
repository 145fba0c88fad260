// Roundbook field app: boot, routes, sync scheduling and the service worker's "update ready".
import { currentSession, refresh } from './auth/session.js';
import { currentLanguage, setLanguage, t } from './i18n/index.js';
import { drain, resetBackoff } from './outbox/drain.js';
import { downloadPack, protectStorage } from './sync/pack.js';
import { h, notifyChanged } from './ui/dom.js';
import { renderAssetCheck } from './ui/asset-check.js';
import { renderCheckDraft } from './ui/check-draft.js';
import { renderHome } from './ui/home.js';
import { go, render, route, startRouter } from './ui/router.js';
import { renderScan } from './ui/scan.js';
import { renderSettings } from './ui/settings.js';
import { renderSignIn } from './ui/sign-in.js';
import { renderWardRound } from './ui/ward-round.js';
import { mountSyncBar } from './ui/sync-bar.js';
import { watchForUpdates } from './ui/update-banner.js';

const PERIODIC_SYNC_MS = 3 * 60 * 1000;
let syncBar;
let retryTimer = null;

async function syncNow({ force = false } = {}) {
  await syncBar.update(true);
  const result = await drain({ force });
  await syncBar.update(false);
  notifyChanged();
  // Home shows sync states and pulled findings: repaint it; never a screen being filled in.
  if (result.state === 'ok' && /^#\/home$|^#?$/.test(window.location.hash)) render();
  // One wake-up at the end of the backoff, however many triggers asked meanwhile.
  if (result.state === 'waiting' && !retryTimer) {
    retryTimer = setTimeout(
      () => {
        retryTimer = null;
        syncNow();
      },
      Math.max(1000, result.until - Date.now()),
    );
  }
  return result;
}

async function askBackgroundSync() {
  // Background Sync where the browser has it (not iOS): the service worker drains on `sync`.
  const registration = await navigator.serviceWorker?.ready;
  await registration?.sync?.register('roundbook-outbox').catch(() => null);
}

function requestSync() {
  askBackgroundSync();
  syncNow();
}

async function onSignedIn(session) {
  await resetBackoff();
  await downloadPack(session.user.memberships[0].site_id);
  await protectStorage();
  document.body.classList.add('signed-in');
  go('/home');
  requestSync();
}

function signedOutView() {
  document.body.classList.remove('signed-in');
  renderSignIn({ onSignedIn });
}

function defineRoutes() {
  const guard =
    (renderScreen) =>
    async (...args) =>
      (await currentSession()) ? renderScreen(...args) : signedOutView();
  route(/^\/home$/, guard(renderHome));
  route(/^\/round(?:\/([\w-]+)\/([\w-]+)(?:\/([\w-]+))?)?$/, guard(renderWardRound));
  route(/^\/check\/([\w-]+)$/, guard(renderCheckDraft));
  route(/^\/asset\/([\w-]+)$/, guard(renderAssetCheck));
  route(/^\/scan$/, guard(renderScan));
  route(
    /^\/settings$/,
    guard(() => renderSettings({ onSignedOut: () => go('/home') })),
  );
}

async function boot() {
  setLanguage(currentLanguage());
  syncBar = mountSyncBar(document.getElementById('sync-bar'), { onSyncNow: () => syncNow({ force: true }) });
  document
    .getElementById('nav')
    .replaceChildren(
      h('a', { href: '#/home' }, t('home')),
      h('a', { href: '#/scan' }, t('scan')),
      h('a', { href: '#/settings' }, t('settings')),
    );
  window.addEventListener('roundbook:changed', () => syncBar.update());
  window.addEventListener('roundbook:sync-request', requestSync);
  window.addEventListener('online', () => syncNow({ force: true }));
  setInterval(() => navigator.onLine && syncNow(), PERIODIC_SYNC_MS);
  defineRoutes();
  const session = await currentSession();
  if (session) document.body.classList.add('signed-in');
  await startRouter();
  await syncBar.update();
  document.body.dataset.ready = 'true';
  watchForUpdates();
  // Capture never waits for the network: the token and the first drain come after the screen.
  if (session && navigator.onLine)
    refresh()
      .catch(() => null)
      .finally(() => syncNow());
}

window.addEventListener('languagechange', () => render());
boot();
