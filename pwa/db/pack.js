// The offline pack: what the phone needs to capture with no network (read-mostly copies).
import { getDb, PACK_STORES, USER_STORES } from './index.js';

/**
 * Replace the whole pack of a site in one transaction, so a half download never shows. Findings
 * are replaced only when the server listed them (`pack.findings` null: keep the pulled ones).
 */
export async function replacePack(pack) {
  const db = await getDb();
  const tx = db.transaction([...PACK_STORES, 'records'], 'readwrite');
  const registered = await unsyncedRegistrations(tx);
  const replaced = PACK_STORES.filter((name) => name !== 'findings' || Array.isArray(pack.findings));
  await Promise.all(replaced.map((name) => tx.objectStore(name).clear()));
  for (const name of PACK_STORES) {
    for (const row of pack[name] || []) tx.objectStore(name).put(row);
  }
  // Assets registered on this phone that the server does not have yet stay, so they still open.
  const packed = new Set((pack.assets || []).map((asset) => asset.id));
  registered.filter((asset) => !packed.has(asset.id)).forEach((asset) => tx.objectStore('assets').put(asset));
  await tx.done;
}

async function unsyncedRegistrations(tx) {
  const kept = [];
  for (const asset of await tx.objectStore('assets').getAll()) {
    if (!asset.registered_on_phone) continue;
    const record = await tx.objectStore('records').get(`asset:${asset.id}`);
    if (record && record.status !== 'synced') kept.push(asset);
  }
  return kept;
}

export async function listAll(store) {
  return (await getDb()).getAll(store);
}

export async function getOne(store, id) {
  return (await getDb()).get(store, id);
}

export async function findAssetByQrToken(token) {
  return (await getDb()).getFromIndex('assets', 'qr_token', token);
}

export async function publishedVersionsOf(templateId) {
  const versions = await (await getDb()).getAllFromIndex('versions', 'template_id', templateId);
  return versions.filter((version) => version.status === 'published').sort((a, b) => b.number - a.number);
}

/** Apply pulled records (upserts and tombstones) to the pack. */
export async function applyPulled(changes, dropSiteIds = []) {
  const db = await getDb();
  const stores = { asset: 'assets', location: 'locations', finding: 'findings' };
  const tx = db.transaction(Object.values(stores), 'readwrite');
  for (const change of changes) {
    const store = stores[change.record_type];
    if (!store) continue;
    if (change.deleted) {
      tx.objectStore(store).delete(change.record_id);
    } else {
      const current = (await tx.objectStore(store).get(change.record_id)) || {};
      tx.objectStore(store).put({ ...current, ...change.fields, id: change.record_id, version: change.version });
    }
  }
  for (const store of Object.values(stores)) {
    for (const row of await tx.objectStore(store).getAll()) {
      if (dropSiteIds.includes(row.site_id)) tx.objectStore(store).delete(row.id);
    }
  }
  await tx.done;
}

/** Forget everything of the signed-in user (only ever called once nothing is unsynced). */
export async function wipeUserData() {
  const db = await getDb();
  const tx = db.transaction(USER_STORES, 'readwrite');
  await Promise.all(USER_STORES.map((name) => tx.objectStore(name).clear()));
  await tx.done;
}
