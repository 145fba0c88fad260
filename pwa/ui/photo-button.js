// "Take photo": the camera through a file input, shrunk and stored on the phone at once.
import { savePhoto } from '../db/photos.js';
import { downscalePhoto } from '../photos/downscale.js';
import { t } from '../i18n/index.js';
import { h } from './dom.js';

let counter = 0;

/** A big photo button; onPhoto(sha256) runs once the photo is safely in IndexedDB. */
export function photoButton({ draft, onPhoto }) {
  counter += 1;
  const id = `photo-${counter}`;
  const input = h('input', {
    id,
    type: 'file',
    accept: 'image/*',
    capture: 'environment',
    class: 'visually-hidden',
    async onchange() {
      const file = input.files?.[0];
      if (!file) return;
      const photo = await downscalePhoto(file);
      await savePhoto({ ...photo, site_id: draft.site_id, draft_id: draft.id });
      input.value = '';
      await onPhoto(photo.sha256);
    },
  });
  return h('span', { class: 'photo-button' }, input, h('label', { for: id, class: 'big' }, `📷 ${t('add_photo')}`));
}
