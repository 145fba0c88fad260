// Upload photos separately from records: PUT /api/photos/<sha256>?site_id=, idempotent by hash.
import { apiFetch } from '../auth/session.js';
import { listPhotosIn, markPhotoUploaded, notePhotoAttempt } from '../db/photos.js';

/** Upload every pending photo; stops at the first failure (it stays pending for the next drain). */
export async function uploadPendingPhotos() {
  for (const photo of await listPhotosIn('pending')) {
    const response = await apiFetch(`/api/photos/${photo.sha256}?site_id=${encodeURIComponent(photo.site_id)}`, {
      method: 'PUT',
      headers: { 'Content-Type': photo.blob.type || 'image/jpeg' },
      body: photo.blob,
    });
    if (response.ok) {
      await markPhotoUploaded(photo.sha256);
    } else {
      await notePhotoAttempt(photo.sha256);
      // A missing endpoint or a refusal is not "done": keep the photo and say so.
      throw Object.assign(new Error('photo upload failed'), {
        code: response.status >= 500 ? 'server_error' : `photo_${response.status}`,
      });
    }
  }
}
