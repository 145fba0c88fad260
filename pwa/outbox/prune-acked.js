// Forget acknowledged ops no server restore could need. The `acked` store keeps ops after the server
// acknowledged them so that, when the server's epoch changes (restored from a backup), the phone can
// push again what the restored database may have lost (docs/sync-protocol.md, "Epoch mismatch").
// Kept forever it would fill the phone; pruned by the phone's clock it could lose work when that
// clock is wrong. So age is measured on the server's clock only, and the latest ops always stay.
import { getDb } from '../db/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// A restore brings back a recent backup (normally last night's) and the operator then starts a new
// epoch (README, "After restoring a backup"). A backup older than a month would undo a month of the
// back office's work too, so nobody restores one to recover phones' ops: 30 days of server time
// covers every restore that happens in practice, with weeks to spare.
export const ACKED_RETENTION_MS = 30 * DAY_MS;
// Whatever the clocks say, the latest acknowledged ops stay (about a month of a busy crew's checks):
// a server clock set far ahead by mistake must not empty the store in one sync.
export const ACKED_KEEP_LATEST = 1000;

/** Every photo hash a value mentions (answers and records carry them as `photo_sha256s`). */
export function photoHashesIn(value, found = new Set()) {
  if (Array.isArray(value)) {
    value.forEach((item) => photoHashesIn(item, found));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'photo_sha256s' && Array.isArray(item))
        item.forEach((hash) => typeof hash === 'string' && found.add(hash));
      else photoHashesIn(item, found);
    }
  }
  return found;
}

/** Is this acknowledged op one no restore can need any more? */
function isPrunable(op, { epoch, serverNowMs, latestSeqs }) {
  // Acknowledged in another epoch: it is waiting to be pushed again, never forgotten.
  if (op.acked_epoch !== epoch) return false;
  if (latestSeqs.has(op.seq)) return false;
  // No server time of acknowledgement (acked by an older app version): it is stamped below and
  // ages from now.
  if (!Number.isFinite(op.acked_server_ms)) return false;
  return serverNowMs - op.acked_server_ms > ACKED_RETENTION_MS;
}

/**
 * Prune the acked store in one transaction, after a sync whose pull confirmed `epoch`; `clock` is
 * what the last push measured ({server_epoch, server_now_ms}). Photos that only pruned ops mention
 * go too, bytes and all, but only those already uploaded (kept until now for a restored server;
 * pending and draft photos are never touched). Returns what was removed.
 */
export async function pruneAcked({ epoch, clock }) {
  const serverNowMs = clock?.server_now_ms;
  // The server time must come from the epoch the pull just confirmed, or it proves nothing.
  if (!epoch || clock?.server_epoch !== epoch || !Number.isFinite(serverNowMs)) return { ops: 0, photos: 0 };
  const db = await getDb();
  const tx = db.transaction(['acked', 'outbox', 'drafts', 'photos'], 'readwrite');
  const acked = tx.objectStore('acked');
  if ((await acked.count()) <= ACKED_KEEP_LATEST) {
    await tx.done;
    return { ops: 0, photos: 0 };
  }
  const ops = await acked.getAll();
  const latestSeqs = new Set(ops.slice(-ACKED_KEEP_LATEST).map((op) => op.seq));
  const pruned = [];
  const kept = [];
  for (const op of ops) {
    if (isPrunable(op, { epoch, serverNowMs, latestSeqs })) {
      pruned.push(op);
      acked.delete(op.seq);
    } else {
      kept.push(op);
      if (!Number.isFinite(op.acked_server_ms)) acked.put({ ...op, acked_server_ms: serverNowMs });
    }
  }
  const photos = await forgetUploadedPhotosOnlyPrunedOpsMention(tx, pruned, kept);
  await tx.done;
  return { ops: pruned.length, photos };
}

async function forgetUploadedPhotosOnlyPrunedOpsMention(tx, pruned, kept) {
  const candidates = photoHashesIn(pruned.map((op) => op.payload));
  if (candidates.size === 0) return 0;
  const stillMentioned = photoHashesIn([
    kept.map((op) => op.payload),
    (await tx.objectStore('outbox').getAll()).map((op) => op.payload),
    await tx.objectStore('drafts').getAll(),
  ]);
  let forgotten = 0;
  for (const sha256 of candidates) {
    if (stillMentioned.has(sha256)) continue;
    const photo = await tx.objectStore('photos').get(sha256);
    if (photo?.state !== 'synced') continue;
    tx.objectStore('photos').delete(sha256);
    forgotten += 1;
  }
  return forgotten;
}
