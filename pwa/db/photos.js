// Photos kept on the phone until the server has them (addressed by SHA-256 of their bytes).
import { getDb } from './index.js';

export async function savePhoto(photo) {
  return (await getDb()).put('photos', { state: 'draft', attempts: 0, ...photo });
}

export async function getPhoto(sha256) {
  return (await getDb()).get('photos', sha256);
}

export async function listPhotosIn(state) {
  return (await getDb()).getAllFromIndex('photos', 'state', state);
}

export async function markPhotoUploaded(sha256) {
  const db = await getDb();
  const photo = await db.get('photos', sha256);
  // The bytes stay as long as the acknowledged ops that mention the photo (pruneAcked forgets
  // both): a server restored from a backup may have lost them, and only the phone has them then.
  if (photo) await db.put('photos', { ...photo, state: 'synced', uploaded_at: Date.now() });
}

/**
 * Upload again the synced photos among `sha256s` whose bytes the phone still has, because the
 * server does not have them (any more). `tx` is a readwrite transaction over 'photos'.
 */
export async function requeueSyncedPhotos(tx, sha256s) {
  for (const sha256 of sha256s) {
    const photo = await tx.objectStore('photos').get(sha256);
    if (photo?.state === 'synced' && photo.blob)
      tx.objectStore('photos').put({ ...photo, state: 'pending', attempts: 0 });
  }
}

/** requeueSyncedPhotos in a transaction of its own. */
export async function requeuePhotosTheServerLacks(sha256s) {
  if (sha256s.length === 0) return;
  const tx = (await getDb()).transaction('photos', 'readwrite');
  await requeueSyncedPhotos(tx, sha256s);
  await tx.done;
}

export async function notePhotoAttempt(sha256) {
  const db = await getDb();
  const photo = await db.get('photos', sha256);
  if (photo) await db.put('photos', { ...photo, attempts: (photo.attempts || 0) + 1 });
}
