// Small key-value settings of the phone: session profile, clocks, cursors, last sync.
import { getDb } from './index.js';

export async function getMeta(key) {
  return (await getDb()).get('meta', key);
}

export async function setMeta(key, value) {
  return (await getDb()).put('meta', value, key);
}

export async function deleteMeta(key) {
  return (await getDb()).delete('meta', key);
}
