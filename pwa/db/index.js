// The one place that opens IndexedDB. Schema changes are numbered upgrades, applied in order.
import { openDB } from 'idb';

export const DB_NAME = 'roundbook';
export const DB_VERSION = 2;

// UPGRADES[n] moves the database from version n to n + 1. Never edit a released step: add one.
const UPGRADES = [
  (db) => {
    db.createObjectStore('meta');
    db.createObjectStore('sites', { keyPath: 'id' });
    db.createObjectStore('locations', { keyPath: 'id' }).createIndex('site_id', 'site_id');
    const assets = db.createObjectStore('assets', { keyPath: 'id' });
    assets.createIndex('qr_token', 'qr_token');
    assets.createIndex('site_id', 'site_id');
    db.createObjectStore('templates', { keyPath: 'id' });
    db.createObjectStore('versions', { keyPath: 'id' }).createIndex('template_id', 'template_id');
    db.createObjectStore('due', { keyPath: 'key' });
    db.createObjectStore('findings', { keyPath: 'id' });
    db.createObjectStore('drafts', { keyPath: 'id' });
    // Local copies of what this phone captured, each with a sync status (pending/synced/conflict).
    db.createObjectStore('records', { keyPath: 'key' }).createIndex('updated_at', 'updated_at');
    // Domain operations in the order they were made; seq keeps that order.
    db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('op_id', 'op_id', {
      unique: true,
    });
    db.createObjectStore('photos', { keyPath: 'sha256' }).createIndex('state', 'state');
    // Conflicts and rejections the server reported, kept until the user has seen them.
    db.createObjectStore('problems', { keyPath: 'id', autoIncrement: true });
  },
  (db) => {
    // Ops the server acknowledged, with the epoch of that acknowledgement: after a server restore
    // (409 epoch_mismatch) they are pushed again (docs/sync-protocol.md, "Epoch mismatch"). Each
    // carries acked_server_ms (the server's clock at the push); outbox/prune-acked.js forgets them
    // after 30 days of server time, always keeping the latest.
    db.createObjectStore('acked', { keyPath: 'seq' }).createIndex('acked_epoch', 'acked_epoch');
  },
];

let dbPromise;

/** The open database (opened once per page or service worker). */
export function getDb() {
  if (!dbPromise) {
    const opening = openDB(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion, newVersion, tx) {
        for (let version = oldVersion; version < newVersion; version += 1) {
          UPGRADES[version](db, tx);
        }
      },
      // A newer app version wants to upgrade: step aside so it is not blocked forever.
      blocking() {
        opening.then((db) => db.close());
        dbPromise = undefined;
      },
    });
    dbPromise = opening;
  }
  return dbPromise;
}

export const PACK_STORES = ['sites', 'locations', 'assets', 'templates', 'versions', 'due', 'findings'];
export const USER_STORES = [...PACK_STORES, 'meta', 'drafts', 'records', 'outbox', 'photos', 'problems', 'acked'];
