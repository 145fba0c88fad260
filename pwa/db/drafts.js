// Checks in progress: saved on every answer, so a reload, an update or a flat battery loses nothing.
import { getDb } from './index.js';

export async function saveDraft(draft) {
  return (await getDb()).put('drafts', { ...draft, updated_at: Date.now() });
}

export async function getDraft(id) {
  return (await getDb()).get('drafts', id);
}

export async function listDrafts() {
  return (await getDb()).getAll('drafts');
}

/** Discard a draft and the photos taken for it (they were never queued). */
export async function discardDraft(id) {
  const db = await getDb();
  const tx = db.transaction(['drafts', 'photos'], 'readwrite');
  tx.objectStore('drafts').delete(id);
  for (const photo of await tx.objectStore('photos').getAll()) {
    if (photo.draft_id === id && photo.state === 'draft') tx.objectStore('photos').delete(photo.sha256);
  }
  await tx.done;
}
