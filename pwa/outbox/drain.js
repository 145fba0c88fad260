// Drain the outbox: push ops oldest first, settle each from the server's answer, then upload
// photos and pull. A 401, a 5xx, a timeout or no network means "retry later", never "done".
import { apiFetch, NetworkError } from '../auth/session.js';
import { getMeta, setMeta } from '../db/meta.js';
import { requeuePhotosTheServerLacks } from '../db/photos.js';
import { uploadPendingPhotos } from '../photos/upload.js';
import { pullChanges } from '../sync/pull.js';
import { countUnsynced, listOps, noteAttempt, settleOps } from './index.js';
import { pruneAcked } from './prune-acked.js';

export const PROTOCOL_VERSION = 1;
const BATCH_SIZE = 50;
const BACKOFF_BASE_MS = 5000;
const BACKOFF_MAX_MS = 5 * 60 * 1000;

/** Delay before the next try after `failures` failures in a row: 5 s doubling to 5 min, with jitter. */
export function backoffDelayMs(failures) {
  const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(delay * (0.8 + Math.random() * 0.4));
}

/**
 * Drain once. `force` ignores the backoff ("Sync now"). One drainer at a time across the page and
 * the service worker (Web Locks), so a refresh cookie is never rotated by two at once.
 */
export async function drain({ force = false } = {}) {
  const run = () => drainLocked(force);
  if (!self.navigator?.locks) return run();
  // "Sync now" waits for a drain already running (the service worker's Background Sync after a
  // submit, another tab) and then runs its own: answering "busy" at once would leave the sync bar
  // showing what that other drain was still uploading.
  if (force) return self.navigator.locks.request('roundbook-drain', run);
  return self.navigator.locks.request('roundbook-drain', { ifAvailable: true }, (lock) =>
    lock ? run() : { state: 'busy' },
  );
}

async function drainLocked(force) {
  const backoff = (await getMeta('backoff')) || { failures: 0, until: 0 };
  if (!force && Date.now() < backoff.until) return { state: 'waiting', until: backoff.until };
  if (!(await getMeta('session'))) return { state: 'signed_out' };
  try {
    let pushed = await pushAll();
    if (pushed.state !== 'ok') return await fail(backoff, pushed);
    await uploadPendingPhotos();
    let pulled = await pullChanges();
    if (pulled.state === 'epoch_changed') {
      // The server was restored: push what it may have lost, then read its feed from the start.
      pushed = await pushAll();
      if (pushed.state !== 'ok') return await fail(backoff, pushed);
      await uploadPendingPhotos();
      pulled = await pullChanges();
    }
    // Only after a pull: it confirmed the epoch the acknowledgements were made in. Housekeeping, so
    // a failure here never turns a good sync into a failed one.
    if (pulled.state === 'ok')
      await pruneAcked({ epoch: pulled.server_epoch, clock: await getMeta('clock') }).catch(() => null);
    await setMeta('backoff', { failures: 0, until: 0 });
    await setMeta('sync_status', { state: 'ok', at: Date.now(), last_ok_at: Date.now(), ...pushed });
    return { state: 'ok', ...pushed };
  } catch (error) {
    const code = error instanceof NetworkError ? error.message : error.code || 'server_error';
    return fail(backoff, { state: 'failed', code });
  }
}

async function fail(backoff, result) {
  const failures = backoff.failures + 1;
  const until = Date.now() + backoffDelayMs(failures);
  await setMeta('backoff', { failures, until });
  const previous = (await getMeta('sync_status')) || {};
  await setMeta('sync_status', {
    ...previous,
    state: result.state,
    code: result.code,
    at: Date.now(),
    retry_at: until,
  });
  return { ...result, retry_at: until };
}

async function pushAll() {
  const totals = { state: 'ok', settled: 0, retry: 0, rejected: 0, merged: 0 };
  for (;;) {
    const ops = await listOps(BATCH_SIZE);
    if (ops.length === 0) return totals;
    const answer = await pushBatch(ops);
    if (answer.state !== 'ok') return { ...totals, ...answer };
    for (const key of ['settled', 'retry', 'rejected', 'merged']) totals[key] += answer.outcome[key];
    // Only ops the server asked to retry are left: stop and come back later, in order.
    if (answer.outcome.settled < ops.length) return totals;
  }
}

async function pushBatch(ops) {
  const session = await getMeta('session');
  const unsynced = await countUnsynced();
  const request = {
    protocol_version: PROTOCOL_VERSION,
    device_id: session.device_id,
    device_now_ms: Date.now(),
    changes: ops.map((op) => ({ change_id: op.op_id, base_version: op.base_version, ...op.payload })),
  };
  let response;
  try {
    response = await apiFetch('/api/sync/push', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        // Lets the back office see phones that still hold unsynced work (issue 4).
        'X-Roundbook-Unsynced': `ops=${unsynced.ops}; photos=${unsynced.photos}; drafts=${unsynced.drafts}; persisted=${(await getMeta('storage_persisted')) ? 1 : 0}`,
      },
      body: JSON.stringify(request),
    });
  } catch (error) {
    await noteAttempt(ops, error.message);
    return { state: 'failed', code: error.message };
  }
  if (!response.ok) {
    const code = statusCode(response.status, await response.json().catch(() => ({})));
    await noteAttempt(ops, code);
    return { state: 'failed', code };
  }
  const body = await response.json();
  await setMeta('clock', {
    server_epoch: body.server_epoch,
    clock_offset_ms: body.clock_offset_ms,
    server_now_ms: body.server_now_ms,
  });
  const results = body.results || [];
  const outcome = await settleOps(ops, results, body.server_epoch, body.server_now_ms);
  // A photo the phone uploaded that the server says it lacks (it lost it): send it again.
  await requeuePhotosTheServerLacks(results.flatMap((result) => result.missing_photo_sha256s || []));
  return { state: 'ok', outcome };
}

function statusCode(status, body) {
  if (status === 401) return 'signed_out';
  if (status === 426) return 'client_too_old';
  if (status === 404 || status === 405) return 'sync_unavailable';
  if (status >= 500) return 'server_error';
  return body.code || `http_${status}`;
}

/** Forget a broken backoff (for example after sign-in). */
export async function resetBackoff() {
  await setMeta('backoff', { failures: 0, until: 0 });
}
