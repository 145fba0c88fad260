// Service worker: a versioned precache of the app shell (Workbox), the `sync` event that drains
// the outbox, and "skip waiting" only when the user accepts an update.
import { cacheNames, clientsClaim, setCacheNameDetails } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { drain } from '../outbox/drain.js';

const CACHE_PREFIX = 'roundbook';
// A build label (test builds only) makes a distinct version with its own caches.
const CACHE_VERSION = __BUILD_LABEL__ ? `v1-${__BUILD_LABEL__}` : 'v1';

setCacheNameDetails({ prefix: CACHE_PREFIX, suffix: CACHE_VERSION });
// Filled in by build.mjs with every file of dist/ and its revision.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
cleanupOutdatedCaches();
clientsClaim();

self.addEventListener('activate', (event) => {
  event.waitUntil(deleteOurStaleCaches());
});

/** Delete only caches of ours from other versions; never another app's caches on the origin. */
async function deleteOurStaleCaches() {
  const keep = new Set([cacheNames.precache, cacheNames.runtime]);
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(`${CACHE_PREFIX}-`) && !keep.has(name)).map((name) => caches.delete(name)),
  );
}

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('sync', (event) => {
  if (event.tag !== 'roundbook-outbox') return;
  event.waitUntil(drainFromWorker(event.lastChance));
});

async function drainFromWorker(lastChance) {
  const result = await drain();
  // Rejecting asks the browser to try the sync event again later (with its own backoff).
  if (result.state !== 'ok' && result.state !== 'busy' && result.state !== 'signed_out' && !lastChance) {
    throw new Error(`sync not done: ${result.code || result.state}`);
  }
}
