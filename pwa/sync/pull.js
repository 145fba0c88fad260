// Pull the change feed into the offline pack; the cursor is stored only after its page is saved.
import { apiFetch } from '../auth/session.js';
import { applyPulled } from '../db/pack.js';
import { deleteMeta, getMeta, setMeta } from '../db/meta.js';
import { requeueUnacknowledged } from '../outbox/index.js';

const PAGE_SIZE = 200;
const MAX_PAGES = 50;

/** The next page's URL from a `Link: <url>; rel="next"` header (docs/sync-protocol.md), or null. */
function nextPageUrl(linkHeader) {
  const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(linkHeader || '');
  return match ? match[1] : null;
}

function firstPageUrl(cursor) {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) });
  return `/api/sync/pull?${query}`;
}

/**
 * Pull every page. The next page is asked for (from the Link header) while this one is stored, so
 * the server prepares it meanwhile; the stored cursor still moves on only once a page is saved.
 * On 409 epoch_mismatch (the server's history was restored) the phone no longer trusts its
 * "synced" marks: ops acknowledged in an older epoch go back to the outbox, the cursor is
 * dropped, and the caller pushes them again before pulling from the beginning.
 */
export async function pullChanges() {
  let next = apiFetch(firstPageUrl(await getMeta('pull_cursor')));
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const response = await next;
    // The feed is not served (older server): the pack from sign-in stays as it is.
    if (response.status === 404 || response.status === 405) return { state: 'unavailable' };
    const body = await response.json().catch(() => ({}));
    if (response.status === 409 && body.code === 'epoch_mismatch') {
      const requeued = await requeueUnacknowledged(body.server_epoch);
      await deleteMeta('pull_cursor');
      return { state: 'epoch_changed', requeued };
    }
    if (!response.ok)
      throw Object.assign(new Error('pull failed'), {
        code: response.status >= 500 ? 'server_error' : `pull_${response.status}`,
      });
    const following = body.has_more && page + 1 < MAX_PAGES ? nextPageUrl(response.headers.get('Link')) : null;
    const prefetched = following ? apiFetch(following) : null;
    // Marked handled, so a page that fails to store leaves no unhandled rejection behind; awaited
    // below, a failed prefetch still throws.
    prefetched?.catch(() => null);
    await applyPulled(body.changes || [], body.drop_site_ids || []);
    await setMeta('pull_cursor', body.next_cursor);
    if (!body.has_more) return { state: 'ok', server_epoch: body.server_epoch };
    next = prefetched || apiFetch(firstPageUrl(body.next_cursor));
  }
  return { state: 'ok', server_epoch: null };
}
