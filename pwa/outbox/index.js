// The outbox: domain operations {op_id, type, payload, base_version, attempts}, oldest first.
// Nothing leaves it until the server answered for that op; nothing expires by age or clock.
import { getDb } from '../db/index.js';
import { requeueSyncedPhotos } from '../db/photos.js';
import { tick } from '../sync/hlc.js';
import { photoHashesIn } from './prune-acked.js';

const recordKey = (recordType, recordId) => `${recordType}:${recordId}`;

/**
 * Queue changes made together (an inspection and its findings) in one transaction: the draft
 * disappears, the ops and local records appear, and the draft's photos become pending uploads.
 * changes: [{record_type, record_id, op, fields, base_version, observed_at}]
 */
export async function queueChanges(changes, { node, userId, draftId = null, label = '' }) {
  const db = await getDb();
  const tx = db.transaction(['meta', 'outbox', 'records', 'drafts', 'photos'], 'readwrite');
  let hlc = await tx.objectStore('meta').get('hlc');
  const now = Date.now();
  for (const change of changes) {
    hlc = tick(hlc, now, node);
    const op = {
      op_id: crypto.randomUUID(),
      type: `${change.record_type}.${change.op}`,
      payload: {
        record_type: change.record_type,
        record_id: change.record_id,
        op: change.op,
        fields: change.fields,
        hlc,
        observed_at: change.observed_at ?? now,
      },
      base_version: change.base_version ?? null,
      attempts: 0,
      queued_at: now,
      user_id: userId,
    };
    tx.objectStore('outbox').add(op);
    tx.objectStore('records').put({
      key: recordKey(change.record_type, change.record_id),
      record_type: change.record_type,
      record_id: change.record_id,
      fields: change.fields,
      label: change.label ?? label,
      status: 'pending',
      updated_at: now,
    });
  }
  tx.objectStore('meta').put(hlc, 'hlc');
  if (draftId) {
    tx.objectStore('drafts').delete(draftId);
    for (const photo of await tx.objectStore('photos').getAll()) {
      if (photo.draft_id === draftId && photo.state === 'draft') {
        tx.objectStore('photos').put({ ...photo, state: 'pending' });
      }
    }
  }
  await tx.done;
}

/** Ops in the order they were made (the head first). */
export async function listOps(limit = Infinity) {
  const db = await getDb();
  return db.getAll('outbox', null, limit === Infinity ? undefined : limit);
}

/** What is still only on this phone, for the sync bar and the sign-out guard. */
export async function countUnsynced() {
  const db = await getDb();
  const [ops, photos, drafts, problems] = await Promise.all([
    db.count('outbox'),
    db.countFromIndex('photos', 'state', 'pending'),
    db.count('drafts'),
    db.count('problems'),
  ]);
  return { ops, photos, drafts, problems, total: ops + photos + drafts };
}

/**
 * Apply the server's answers to a pushed batch: one transaction, so a crash never half-applies.
 * `serverNowMs` is the server's clock at the push: acknowledged ops age by it (prune-acked.js).
 */
export async function settleOps(ops, results, epoch, serverNowMs = null) {
  const db = await getDb();
  const tx = db.transaction(['outbox', 'records', 'problems', 'acked'], 'readwrite');
  const byChange = new Map(results.map((result) => [result.change_id, result]));
  const outcome = { settled: 0, retry: 0, rejected: 0, merged: 0 };
  for (const op of ops) {
    const result = byChange.get(op.op_id);
    // No answer for this op (a truncated response): it stays at the head for the next drain.
    if (!result) continue;
    const key = recordKey(op.payload.record_type, op.payload.record_id);
    const record = await tx.objectStore('records').get(key);
    if (result.status === 'retry') {
      outcome.retry += 1;
      tx.objectStore('outbox').put({ ...op, attempts: op.attempts + 1, last_code: result.code });
      continue;
    }
    tx.objectStore('outbox').delete(op.seq);
    outcome.settled += 1;
    // What the user calls the record (a finding's title, a ward's name), for Settings to show.
    const title = result.record?.fields?.title || record?.label || op.payload.fields?.title || null;
    if (result.status === 'rejected') {
      outcome.rejected += 1;
      tx.objectStore('problems').add({ kind: 'rejected', code: result.code, op, title, at: Date.now() });
    } else {
      // Kept with its epoch: if the server's history is restored, this op is pushed again.
      tx.objectStore('acked').put({ ...op, acked_epoch: epoch, acked_at: Date.now(), acked_server_ms: serverNowMs });
    }
    if (result.status === 'merged' && result.conflicts?.length) {
      outcome.merged += 1;
      tx.objectStore('problems').add({
        kind: 'merged',
        code: result.code,
        conflicts: result.conflicts,
        op,
        title,
        at: Date.now(),
      });
    }
    if (record) {
      const status = result.status === 'rejected' ? 'conflict' : 'synced';
      tx.objectStore('records').put({
        ...record,
        status,
        code: result.code || null,
        version: result.record?.version ?? record.version,
        acked_epoch: epoch,
        acked_at: Date.now(),
      });
    }
  }
  await tx.done;
  return outcome;
}

/**
 * After a server restore (409 epoch_mismatch): put back in the outbox, in their original order,
 * the ops acknowledged in any other epoch than `epoch` (the server may no longer have them), mark
 * their records pending again, and queue their photos for upload again (the phone keeps a synced
 * photo's bytes while acked ops mention it). Re-sending is safe: the server dedupes by change_id
 * and by photo hash.
 */
export async function requeueUnacknowledged(epoch) {
  const db = await getDb();
  const tx = db.transaction(['outbox', 'records', 'acked', 'photos'], 'readwrite');
  const stale = (await tx.objectStore('acked').getAll()).filter((op) => op.acked_epoch !== epoch);
  // Their photos too: "synced" was said by the server before its restore.
  await requeueSyncedPhotos(tx, [...photoHashesIn(stale.map((op) => op.payload))]);
  for (const { acked_epoch: _epoch, acked_at: _at, acked_server_ms: _serverMs, ...op } of stale) {
    // The original seq keeps the op ahead of anything queued after it.
    tx.objectStore('outbox').put({ ...op, attempts: 0, requeued_from_epoch: _epoch });
    tx.objectStore('acked').delete(op.seq);
    const key = recordKey(op.payload.record_type, op.payload.record_id);
    const record = await tx.objectStore('records').get(key);
    if (record) tx.objectStore('records').put({ ...record, status: 'pending' });
  }
  await tx.done;
  return stale.length;
}

/** Count a failed attempt on ops that stay at the head of the queue. */
export async function noteAttempt(ops, code) {
  const db = await getDb();
  const tx = db.transaction('outbox', 'readwrite');
  for (const op of ops) {
    const current = await tx.store.get(op.seq);
    if (current) tx.store.put({ ...current, attempts: current.attempts + 1, last_code: code });
  }
  await tx.done;
}

export async function listRecentRecords(limit = 20) {
  const db = await getDb();
  const rows = await db.getAllFromIndex('records', 'updated_at');
  return rows.reverse().slice(0, limit);
}

export async function listProblems() {
  return (await getDb()).getAll('problems');
}

export async function dismissProblem(id) {
  return (await getDb()).delete('problems', id);
}

/** Everything not yet on the server, as plain JSON (photos as data URLs), for a file export. */
export async function exportUnsynced() {
  const db = await getDb();
  const photos = [
    ...(await db.getAllFromIndex('photos', 'state', 'pending')),
    ...(await db.getAllFromIndex('photos', 'state', 'draft')),
  ];
  return {
    format: 'roundbook-unsynced-export',
    format_version: 1,
    exported_at: new Date().toISOString(),
    session: await db.get('meta', 'session'),
    outbox: await db.getAll('outbox'),
    problems: await db.getAll('problems'),
    drafts: await db.getAll('drafts'),
    photos: await Promise.all(
      photos.map(async (photo) => ({
        ...photo,
        blob: undefined,
        data_url: photo.blob ? await blobToDataUrl(photo.blob) : null,
      })),
    ),
  };
}

function blobToDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
