// Home: today's and this week's checks (green / amber / red), open findings of the user's
// department (by deadline), drafts, recent submissions.
import { listDrafts } from '../db/drafts.js';
import { getMeta } from '../db/meta.js';
import { getOne, listAll } from '../db/pack.js';
import { CLOSED_FINDING_STATUSES, departmentOf, localDay } from '../sync/pack.js';
import { pick, t } from '../i18n/index.js';
import { listRecentRecords } from '../outbox/index.js';
import { formatTime, h, show } from './dom.js';
import { go } from './router.js';

const STATUS_TEXT = { overdue: 'status_overdue', due: 'status_due', done: 'status_done', upcoming: 'status_upcoming' };
const STATUS_COLOUR = { overdue: 'red', due: 'amber', done: 'green', upcoming: 'green' };
// A finding due within this many days (today included) is amber; later, or no deadline, green.
const FINDING_SOON_DAYS = 3;

/** A due row the phone has already checked (still syncing) counts as done here and now. */
function withLocalChecks(rows, records) {
  const checked = records.filter((record) => record.record_type === 'inspection' && record.fields?.schedule_id);
  return rows.map((row) => {
    const done = checked.some(
      (record) =>
        record.fields.schedule_id === row.schedule?.id &&
        [record.fields.asset_id, record.fields.location_id].includes(row.target?.id) &&
        localDay(new Date(record.fields.finished_at)) >= (row.period_start || row.due_on),
    );
    return done ? { ...row, status: 'done', colour: 'green' } : row;
  });
}

function dueRow(row) {
  const target = row.target || {};
  const open = () =>
    target.kind === 'asset'
      ? go(`/asset/${target.id}`)
      : go(`/round/${target.id}/${row.template.id}/${row.schedule.id}`);
  const colour = row.colour || STATUS_COLOUR[row.status] || 'amber';
  return h(
    'li',
    {},
    h(
      'button',
      { class: `row status-${colour}`, onclick: open, dataset: { colour, status: row.status } },
      h('span', { class: 'row-main' }, `${pick(target)} ${target.code ? `· ${target.code}` : ''}`),
      h('span', { class: 'row-sub' }, pick(row.template)),
      h('span', { class: 'badge' }, t(STATUS_TEXT[row.status] || 'status_due')),
    ),
  );
}

/** green / amber / red of an open finding by its deadline (`due_on`, an ISO date). */
export function findingColour(finding, today) {
  if (!finding.due_on) return 'green';
  if (finding.due_on < today) return 'red';
  const soon = localDay(new Date(new Date(`${today}T12:00:00`).getTime() + FINDING_SOON_DAYS * 86400000));
  return finding.due_on < soon ? 'amber' : 'green';
}

function findingRow(finding, today) {
  const colour = findingColour(finding, today);
  let deadline = t('finding_no_deadline');
  if (finding.due_on) deadline = t(colour === 'red' ? 'finding_overdue' : 'finding_due', { date: finding.due_on });
  return h(
    'li',
    { class: `record status-${colour}`, dataset: { colour, findingId: finding.id } },
    h('span', { class: 'row-main' }, finding.title || ''),
    h('span', { class: 'row-sub' }, `${t(`severity_${finding.severity}`)} · ${deadline}`),
    h('span', { class: 'badge' }, t(`finding_status_${finding.status}`)),
  );
}

async function openFindingsOfMyDepartment() {
  const pack = await getMeta('pack');
  const department = pack ? await departmentOf(pack.site_id) : null;
  const findings = await listAll('findings');
  return findings
    .filter((finding) => finding.site_id === pack?.site_id && !CLOSED_FINDING_STATUSES.includes(finding.status))
    .filter((finding) => !department || finding.department_id === department)
    .sort((a, b) => (a.due_on || '9999').localeCompare(b.due_on || '9999'));
}

function recordRow(record) {
  const colour = { pending: 'amber', synced: 'green', conflict: 'red' }[record.status];
  return h(
    'li',
    { class: `record status-${colour}`, dataset: { status: record.status } },
    h('span', { class: 'row-main' }, record.label || record.record_type),
    h('span', { class: 'row-sub' }, formatTime(record.updated_at)),
    h('span', { class: 'badge' }, t(`record_${record.status}`)),
  );
}

export async function renderHome() {
  const today = localDay();
  const [packDue, records, drafts, findings] = await Promise.all([
    listAll('due'),
    listRecentRecords(200),
    listDrafts(),
    openFindingsOfMyDepartment(),
  ]);
  const due = withLocalChecks(packDue, records);
  // Today's list keeps what was done today (green) below what is still to do (red, amber).
  const todays = due
    .filter((row) => row.due_on <= today && (row.status !== 'done' || row.due_on === today))
    .sort((a, b) => (a.status === 'done') - (b.status === 'done'));
  const week = due.filter((row) => row.status !== 'done' && row.due_on > today);
  const draftRows = await Promise.all(
    drafts.map(async (draft) => {
      const place = draft.asset_id
        ? await getOne('assets', draft.asset_id)
        : await getOne('locations', draft.location_id);
      return h(
        'li',
        {},
        h(
          'button',
          { class: 'row status-amber', onclick: () => go(`/check/${draft.id}`) },
          h('span', { class: 'row-main' }, pick(place)),
          h('span', { class: 'badge' }, t('resume')),
        ),
      );
    }),
  );
  show(
    h(
      'section',
      { class: 'screen', 'data-testid': 'home' },
      h('h1', {}, t('home')),
      h(
        'nav',
        { class: 'actions', 'aria-label': t('home') },
        h('a', { class: 'big primary', href: '#/round', 'data-testid': 'start-round' }, t('ward_round')),
        h('a', { class: 'big', href: '#/scan' }, t('scan')),
      ),
      drafts.length > 0 && h('h2', {}, t('drafts')),
      drafts.length > 0 && h('ul', { class: 'rows', 'data-testid': 'drafts' }, draftRows),
      h('h2', {}, t('due_today')),
      todays.length
        ? h('ul', { class: 'rows', 'data-testid': 'due-today' }, todays.slice(0, 50).map(dueRow))
        : h('p', {}, t('nothing_due')),
      week.length > 0 && h('h2', {}, t('due_week')),
      week.length > 0 && h('ul', { class: 'rows', 'data-testid': 'due-week' }, week.slice(0, 30).map(dueRow)),
      h('h2', {}, t('open_findings')),
      findings.length
        ? h(
            'ul',
            { class: 'rows', 'data-testid': 'open-findings' },
            findings.slice(0, 50).map((finding) => findingRow(finding, today)),
          )
        : h('p', {}, t('no_open_findings')),
      h('h2', {}, t('recent')),
      records.length
        ? h('ul', { class: 'rows', 'data-testid': 'recent' }, records.slice(0, 20).map(recordRow))
        : h('p', {}, t('no_recent')),
    ),
  );
}
