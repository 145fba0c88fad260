// Assets a crew registered on this phone: the row kept in the pack until the server has it, and
// the sync state of its registration (the outbox keeps that in `records`, as for every change).
import { getDb } from './index.js';

/** Keep a registered asset in the pack, so it opens and can be checked before it syncs. */
export async function saveRegisteredAsset(row) {
  return (await getDb()).put('assets', row);
}

/** The sync state of an asset registered on this phone: {status, code} (pending/synced/conflict), or null. */
export async function registrationState(assetId) {
  const record = await (await getDb()).get('records', `asset:${assetId}`);
  return record ? { status: record.status, code: record.code || null } : null;
}

/** Whether this asset is one this phone registered and the server refused (its label is someone else's). */
export async function isRefusedRegistration(asset) {
  if (!asset?.registered_on_phone) return false;
  return (await registrationState(asset.id))?.status === 'conflict';
}

/** The pack's assets, less those this phone registered and the server refused (a label taken). */
export async function listUsableAssets() {
  const assets = await (await getDb()).getAll('assets');
  const refused = await Promise.all(assets.map((asset) => isRefusedRegistration(asset)));
  return assets.filter((_, index) => !refused[index]);
}
