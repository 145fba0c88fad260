// One problem the server reported about this phone's work, in words a user understands: which
// record, what happened to which field, what was kept, what was not, and what to do about it.
import { t } from '../i18n/index.js';
import { h } from './dom.js';
import { rejectionText } from './register-asset.js';

const LONGEST_VALUE = 80;
// Conflict reasons (docs/sync-protocol.md) that have their own sentence; others read as an edit
// that lost to a newer one.
const REASONS = ['concurrent_edit', 'closed_finding_edit', 'reopened_by_recheck', 'edit_after_delete'];

/** A translation, or `fallback` when the dictionaries have no such key. */
function known(key, fallback, values) {
  const text = t(key, values);
  return text === key ? fallback : text;
}

function fieldName(field) {
  return known(`field_${field}`, field);
}

/** A field's value as the user knows it: status and severity in words, empty said so. */
function valueText(field, value) {
  if (value === null || value === undefined || value === '') return t('value_empty');
  if (field === 'status') return known(`finding_status_${value}`, String(value));
  if (field === 'severity') return known(`severity_${value}`, String(value));
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE - 1)}…` : text;
}

function conflictText(conflict) {
  const reason = REASONS.includes(conflict.reason) ? conflict.reason : 'concurrent_edit';
  return t(`conflict_${reason}`, {
    field: fieldName(conflict.field),
    kept: valueText(conflict.field, conflict.kept_value),
    lost: valueText(conflict.field, conflict.lost_value),
  });
}

function recordName(problem) {
  const type = problem.op?.payload?.record_type;
  const kind = known(`record_type_${type}`, type || '');
  const fields = problem.op?.payload?.fields;
  const title = problem.title || fields?.title || fields?.name_zh;
  return title ? t('record_named', { kind, title }) : kind;
}

/** A list item for `problem` (from the problems store); `onDismiss` once the user has read it. */
export function problemRow(problem, onDismiss) {
  const merged = problem.kind === 'merged';
  const lines = merged
    ? (problem.conflicts || []).map(conflictText)
    : // Codes with a sentence of their own (an asset registration's are in register-asset.js); any
      // other is shown as it is, for an administrator.
      [rejectionText(problem) || known(`refused_${problem.code}`, t('refused_other', { code: problem.code }))];
  return h(
    'li',
    { class: `record status-${merged ? 'amber' : 'red'}`, dataset: { kind: problem.kind } },
    h('span', { class: 'row-main' }, recordName(problem)),
    lines.map((line) => h('span', { class: 'row-sub' }, line)),
    h('span', { class: 'row-sub what-to-do' }, t(merged ? 'conflict_what_to_do' : 'refused_what_to_do')),
    // A refusal stays until the work is exported and handled: it is the only copy.
    merged && h('button', { class: 'choice', onclick: onDismiss }, t('dismiss')),
  );
}
