// Home: today's and this week's checks (green / amber / red), drafts, recent submissions.
import { listDrafts } from '../db/drafts.js';
import { getOne, listAll } from '../db/pack.js';
import { localDay } from '../sync/pack.js';
import { pick, t } from '../i18n/index.js';
import { listRecentRecords } from '../outbox/index.js';
import { formatTime, h, show } from './dom.js';
import { go } from './router.js';

const STATUS_TEXT = { overdue: 'status_overdue', due: 'status_due', done: 'status_done', upcoming: 'status_upcoming' };

function dueRow(row) {
  const target = row.target || {};
  const open = () => (target.kind === 'asset' ? go(`/asset/${target.id}`) : go(`/round/${target.id}/${row.template.id}/${row.schedule.id}`));
  return h('li', {},
    h('button', { class: `row status-${row.colour || 'amber'}`, onclick: open },
      h('span', { class: 'row-main' }, `${pick(target)} ${target.code ? `· ${target.code}` : ''}`),
      h('span', { class: 'row-sub' }, pick(row.template)),
      h('span', { class: 'badge' }, t(STATUS_TEXT[row.status] || 'status_due'))));
}

function recordRow(record) {
  const colour = { pending: 'amber', synced: 'green', conflict: 'red' }[record.status];
  return h('li', { class: `record status-${colour}`, dataset: { status: record.status } },
    h('span', { class: 'row-main' }, record.label || record.record_type),
    h('span', { class: 'row-sub' }, formatTime(record.updated_at)),
    h('span', { class: 'badge' }, t(`record_${record.status}`)));
}

export async function renderHome() {
  const today = localDay();
  const [due, records, drafts] = await Promise.all([listAll('due'), listRecentRecords(), listDrafts()]);
  const todays = due.filter((row) => row.status !== 'done' && row.due_on <= today);
  const week = due.filter((row) => row.status !== 'done' && row.due_on > today);
  const draftRows = await Promise.all(drafts.map(async (draft) => {
    const place = draft.asset_id ? await getOne('assets', draft.asset_id) : await getOne('locations', draft.location_id);
    return h('li', {}, h('button', { class: 'row status-amber', onclick: () => go(`/check/${draft.id}`) },
      h('span', { class: 'row-main' }, pick(place)), h('span', { class: 'badge' }, t('resume'))));
  }));
  show(h('section', { class: 'screen', 'data-testid': 'home' },
    h('h1', {}, t('home')),
    h('nav', { class: 'actions', 'aria-label': t('home') },
      h('a', { class: 'big primary', href: '#/round', 'data-testid': 'start-round' }, t('ward_round')),
      h('a', { class: 'big', href: '#/scan' }, t('scan'))),
    drafts.length > 0 && h('h2', {}, t('drafts')),
    drafts.length > 0 && h('ul', { class: 'rows' }, draftRows),
    h('h2', {}, t('due_today')),
    todays.length ? h('ul', { class: 'rows' }, todays.slice(0, 50).map(dueRow)) : h('p', {}, t('nothing_due')),
    week.length > 0 && h('h2', {}, t('due_week')),
    week.length > 0 && h('ul', { class: 'rows' }, week.slice(0, 30).map(dueRow)),
    h('h2', {}, t('recent')),
    records.length ? h('ul', { class: 'rows', 'data-testid': 'recent' }, records.map(recordRow)) : h('p', {}, t('no_recent'))));
}
