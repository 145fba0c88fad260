// The sync bar, always visible: what is still on the phone, the last good sync, any problem in words.
import { getMeta } from '../db/meta.js';
import { t } from '../i18n/index.js';
import { countUnsynced } from '../outbox/index.js';
import { formatTime, h } from './dom.js';
import { go } from './router.js';

const MESSAGES = {
  offline: 'sync_offline',
  timeout: 'sync_timeout',
  server_error: 'sync_server_error',
  signed_out: 'sync_signed_out',
  sync_unavailable: 'sync_unavailable',
  client_too_old: 'sync_client_too_old',
};

export function problemText(status) {
  if (!status || status.state === 'ok' || status.state === 'busy') return '';
  return t(MESSAGES[status.code] || 'sync_failed');
}

export function mountSyncBar(container, { onSyncNow }) {
  async function update(syncing = false) {
    const [counts, status] = await Promise.all([countUnsynced(), getMeta('sync_status')]);
    const offline = !navigator.onLine;
    const level = counts.problems ? 'red' : counts.ops + counts.photos ? 'amber' : 'green';
    const problem = offline ? t('sync_offline') : problemText(status);
    container.className = `sync-bar status-${level}`;
    container.replaceChildren(
      h(
        'div',
        { class: 'sync-text' },
        h(
          'strong',
          { 'data-testid': 'sync-pending' },
          counts.ops + counts.photos ? t('sync_pending', counts) : t('sync_all_done'),
        ),
        h('span', {}, status?.last_ok_at ? t('sync_last', { when: formatTime(status.last_ok_at) }) : t('sync_never')),
        problem && h('span', { class: 'sync-problem', role: 'status', 'data-testid': 'sync-problem' }, problem),
        counts.problems > 0 &&
          h('button', { class: 'link', onclick: () => go('/settings') }, t('problems', { count: counts.problems })),
      ),
      h(
        'button',
        { class: 'sync-now', disabled: syncing, onclick: onSyncNow, 'data-testid': 'sync-now' },
        syncing ? t('syncing') : t('sync_now'),
      ),
    );
  }
  window.addEventListener('roundbook:changed', () => update());
  window.addEventListener('online', () => update());
  window.addEventListener('offline', () => update());
  return { update };
}
