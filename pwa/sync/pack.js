// Download the offline pack after sign-in: what the phone needs to capture with no network.
import { apiFetch, apiJson } from '../auth/session.js';
import { replacePack } from '../db/pack.js';
import { getMeta, setMeta } from '../db/meta.js';

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
  const lists = await Promise.all(
    days.map(async (day) => (await apiJson(`/api/schedules/due?site_id=${siteId}&day=${day}`)).body),
  );
  const rows = new Map();
  lists.flat().forEach((row) => {
    const key = `${row.schedule_target_id}:${row.period_start}`;
    if (!rows.has(key)) rows.set(key, { ...row, key });
  });
  return [...rows.values()];
}

export const CLOSED_FINDING_STATUSES = ['verified_closed'];

/**
 * Open findings of the user's department (all of the site's when the user has none), where the
 * server lists findings; null on an older server: then they arrive through the sync pull only.
 */
async function openFindings(siteId, departmentId) {
  const findings = [];
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({ site_id: siteId, page: String(page), page_size: String(ASSET_PAGE_SIZE) });
    if (departmentId) query.set('department_id', departmentId);
    const response = await apiFetch(`/api/findings?${query}`);
    if (response.status === 404 || response.status === 405) return null;
    if (!response.ok) throw Object.assign(new Error(`findings: ${response.status}`), { status: response.status });
    findings.push(...(await response.json()));
    if (!JSON.parse(response.headers.get('X-Pagination') || '{}').next_page) break;
  }
  return findings.filter((finding) => !CLOSED_FINDING_STATUSES.includes(finding.status));
}

/** The department the user works for on this site (null: none, e.g. a site-wide role). */
export async function departmentOf(siteId) {
  const session = await getMeta('session');
  return session?.user?.memberships?.find((membership) => membership.site_id === siteId)?.department_id || null;
}

/** Fetch and store the whole pack of one site; returns counts for the user. */
export async function downloadPack(siteId) {
  const [sites, locations, assets, templates] = await Promise.all([
    apiJson('/api/sites').then((r) => r.body),
    apiJson(`/api/locations?site_id=${siteId}`).then((r) => r.body),
    allAssets(siteId),
    apiJson(`/api/templates?site_id=${siteId}`).then((r) => r.body),
  ]);
  const [versions, due, findings] = await Promise.all([
    publishedVersions(templates),
    dueThisWeek(siteId),
    openFindings(siteId, await departmentOf(siteId)),
  ]);
  await replacePack({ sites, locations, assets, templates, versions, due, findings });
  const counts = {
    locations: locations.length,
    assets: assets.length,
    versions: versions.length,
    due: due.length,
    findings: findings?.length ?? null,
  };
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
