// Download the offline pack after sign-in: what the phone needs to capture with no network.
import { apiJson } from '../auth/session.js';
import { replacePack } from '../db/pack.js';
import { setMeta } from '../db/meta.js';

const ASSET_PAGE_SIZE = 100;

export function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

async function allAssets(siteId) {
  const assets = [];
  for (let page = 1; ; page += 1) {
    const { body, headers } = await apiJson(`/api/assets?site_id=${siteId}&page=${page}&page_size=${ASSET_PAGE_SIZE}`);
    assets.push(...body);
    const pagination = JSON.parse(headers.get('X-Pagination') || '{}');
    if (!pagination.next_page) return assets;
  }
}

async function publishedVersions(templates) {
  const lists = await Promise.all(
    templates.map(async (template) => (await apiJson(`/api/templates/${template.id}/versions`)).body),
  );
  return lists.flat().filter((version) => version.status === 'published');
}

async function dueThisWeek(siteId) {
  // Today and the next six days: the home screen shows today's and this week's checks.
  const days = Array.from({ length: 7 }, (_, offset) => localDay(new Date(Date.now() + offset * 86400000)));
  const lists = await Promise.all(days.map(async (day) => (await apiJson(`/api/schedules/due?site_id=${siteId}&day=${day}`)).body));
  const rows = new Map();
  lists.flat().forEach((row) => {
    const key = `${row.schedule_target_id}:${row.period_start}`;
    if (!rows.has(key)) rows.set(key, { ...row, key });
  });
  return [...rows.values()];
}

/** Fetch and store the whole pack of one site; returns counts for the user. */
export async function downloadPack(siteId) {
  const [sites, locations, assets, templates] = await Promise.all([
    apiJson('/api/sites').then((r) => r.body),
    apiJson(`/api/locations?site_id=${siteId}`).then((r) => r.body),
    allAssets(siteId),
    apiJson(`/api/templates?site_id=${siteId}`).then((r) => r.body),
  ]);
  const [versions, due] = await Promise.all([publishedVersions(templates), dueThisWeek(siteId)]);
  await replacePack({ sites, locations, assets, templates, versions, due });
  const counts = { locations: locations.length, assets: assets.length, versions: versions.length, due: due.length };
  await setMeta('pack', { site_id: siteId, day: localDay(), downloaded_at: Date.now(), counts });
  return counts;
}

/** Ask the browser to keep our data under storage pressure; report usage. */
export async function protectStorage() {
  const storage = self.navigator?.storage;
  if (!storage) return { persisted: false };
  const persisted = (await storage.persisted?.()) || (await storage.persist?.().catch(() => false)) || false;
  await setMeta('storage_persisted', persisted);
  const estimate = (await storage.estimate?.()) || {};
  return { persisted, usage: estimate.usage || 0, quota: estimate.quota || 0 };
}
