// Settings: language, storage, offline pack, problems from the server, export, sign out.
import { signOut } from '../auth/session.js';
import { getMeta } from '../db/meta.js';
import { wipeUserData } from '../db/pack.js';
import { currentLanguage, setLanguage, t } from '../i18n/index.js';
import { countUnsynced, dismissProblem, exportUnsynced, listProblems } from '../outbox/index.js';
import { downloadPack, protectStorage } from '../sync/pack.js';
import { h, notifyChanged, show, toast } from './dom.js';
import { problemRow } from './problem-row.js';

const megabytes = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

/** Save everything unsynced to a JSON file the user can share (the server can import it). */
export async function downloadExport() {
  const data = await exportUnsynced();
  const blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
  const link = h('a', {
    href: URL.createObjectURL(blob),
    download: `roundbook-unsynced-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

export async function renderSettings({ onSignedOut }) {
  const [session, pack, storage, problems, counts] = await Promise.all([
    getMeta('session'),
    getMeta('pack'),
    protectStorage(),
    listProblems(),
    countUnsynced(),
  ]);
  const refusal = h('p', { class: 'error', role: 'alert', 'data-testid': 'sign-out-refused' });
  const repaint = () => renderSettings({ onSignedOut });
  const finishSignOut = async () => {
    await signOut();
    await wipeUserData();
    notifyChanged();
    onSignedOut();
  };
  show(
    h(
      'section',
      { class: 'screen', 'data-testid': 'settings' },
      h('h1', {}, t('settings')),
      h('p', {}, t('signed_in_as', { name: session?.user?.display_name || '' })),
      h('h2', {}, t('language')),
      h(
        'div',
        { class: 'choices', role: 'group', 'aria-label': t('language') },
        [
          ['zh-CN', '中文'],
          ['en', 'English'],
        ].map(([tag, label]) =>
          h(
            'button',
            {
              class: 'choice',
              'aria-pressed': String(currentLanguage() === tag),
              lang: tag,
              onclick: () => {
                setLanguage(tag);
                notifyChanged();
                repaint();
              },
            },
            label,
          ),
        ),
      ),
      h('h2', {}, t('storage')),
      h(
        'p',
        { 'data-testid': 'storage' },
        t('storage_used', { used: megabytes(storage.usage || 0), quota: megabytes(storage.quota || 0) }),
      ),
      h(
        'p',
        { class: storage.persisted ? 'ok' : 'warn' },
        storage.persisted ? t('storage_persisted') : t('storage_not_persisted'),
      ),
      pack && h('p', {}, t('pack_info', pack.counts)),
      h(
        'button',
        {
          class: 'big',
          async onclick() {
            try {
              await downloadPack(pack.site_id);
              toast(t('pack_info', (await getMeta('pack')).counts));
            } catch {
              toast(t('sync_offline'));
            }
          },
        },
        t('refresh_pack'),
      ),
      problems.length > 0 && h('h2', {}, t('problems', { count: problems.length })),
      problems.length > 0 &&
        h(
          'ul',
          { class: 'rows', 'data-testid': 'problems' },
          problems.map((problem) =>
            problemRow(problem, async () => {
              await dismissProblem(problem.id);
              notifyChanged();
              repaint();
            }),
          ),
        ),
      h('button', { class: 'big', 'data-testid': 'export', onclick: downloadExport }, t('export_unsynced')),
      h(
        'button',
        {
          class: 'big danger',
          'data-testid': 'sign-out',
          async onclick() {
            const now = await countUnsynced();
            if (now.total > 0) {
              refusal.textContent = t('sign_out_refused', now);
              return;
            }
            await finishSignOut();
          },
        },
        t('sign_out'),
      ),
      refusal,
      counts.total > 0 &&
        h(
          'button',
          {
            class: 'big plain',
            async onclick() {
              if (!window.confirm(t('confirm_export_sign_out'))) return;
              await downloadExport();
              await finishSignOut();
            },
          },
          t('export_and_sign_out'),
        ),
    ),
  );
}
