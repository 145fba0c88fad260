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
  // Keep the record (not the bytes) so the UI can say it arrived.
  if (photo) await db.put('photos', { ...photo, blob: null, state: 'synced', uploaded_at: Date.now() });
}

export async function notePhotoAttempt(sha256) {
  const db = await getDb();
  const photo = await db.get('photos', sha256);
  if (photo) await db.put('photos', { ...photo, attempts: (photo.attempts || 0) + 1 });
}
