// Turning a draft check into the changes that go to the outbox (same rules as the server's
// server/checklists/items.py, so a phone never queues what the server would refuse).

const NOT_APPLICABLE = [null, undefined, '', 'na'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const NOT_INSPECTED_REASONS = ['locked', 'isolation', 'asset_missing', 'occupied', 'other'];

/** True when the answer fails its item (server: is_failing_answer). */
export function isFailingAnswer(item, value) {
  if (NOT_APPLICABLE.includes(value)) return false;
  switch (item.type) {
    case 'pass_fail_na':
      return value === 'fail';
    case 'yes_no': {
      const said = value === true ? 'yes' : value === false ? 'no' : value;
      return item.fail_when != null && said === item.fail_when;
    }
    case 'number':
      return (item.min != null && value < item.min) || (item.max != null && value > item.max);
    case 'single_choice':
      return (item.fail_when || []).includes(value);
    case 'multiple_choice':
      return Array.isArray(value) && value.some((key) => (item.fail_when || []).includes(key));
    default:
      return false;
  }
}

const isOptional = (item) => item.type === 'text' || item.type === 'photo';

/** Problems that block submitting: {item_key: 'unanswered' | 'needs_note' | 'needs_photo' | 'needs_evidence'}. */
export function answerProblems(items, answers) {
  const problems = {};
  for (const item of items) {
    const answer = answers[item.key];
    if (!answer || !('value' in answer)) {
      if (!isOptional(item)) problems[item.key] = 'unanswered';
      continue;
    }
    if (!isFailingAnswer(item, answer.value)) continue;
    const hasNote = Boolean((answer.note || '').trim());
    const hasPhoto = (answer.photo_sha256s || []).length > 0;
    const need = item.evidence_on_fail;
    if (need === 'note' && !hasNote) problems[item.key] = 'needs_note';
    if (need === 'photo' && !hasPhoto) problems[item.key] = 'needs_photo';
    if (need === 'note_or_photo' && !hasNote && !hasPhoto) problems[item.key] = 'needs_evidence';
  }
  return problems;
}

/** Keep only what the server accepts in an answer. */
function cleanAnswer(answer) {
  const clean = { value: answer.value ?? null };
  if ((answer.note || '').trim()) clean.note = answer.note.trim();
  if ((answer.photo_sha256s || []).length) clean.photo_sha256s = answer.photo_sha256s;
  return clean;
}

/**
 * The changes for a finished draft: the inspection (op submit) first, then one finding per failed
 * item and per ad-hoc finding (they reference the inspection, so they must come after it).
 */
export function changesForDraft(draft, version, { location, title }) {
  const finishedAt = Date.now();
  const notInspected = Boolean(draft.not_inspected);
  const answers = notInspected
    ? {}
    : Object.fromEntries(Object.entries(draft.answers).map(([key, answer]) => [key, cleanAnswer(answer)]));
  const failing = notInspected ? [] : version.items.filter((item) => isFailingAnswer(item, answers[item.key]?.value));
  let result = failing.length ? 'failed' : 'passed';
  if (notInspected) result = 'not_inspected';
  if (!notInspected && draft.findings.length) result = 'failed';
  const base = { site_id: draft.site_id, location_id: location.id, asset_id: draft.asset_id || null };
  const inspection = {
    record_type: 'inspection',
    record_id: draft.id,
    op: 'submit',
    observed_at: finishedAt,
    label: title,
    fields: {
      ...base,
      template_version_id: draft.template_version_id,
      schedule_id: draft.schedule_id || null,
      // Device times in ms; the server corrects them by the measured clock offset.
      started_at: draft.started_at,
      finished_at: finishedAt,
      answers,
      result,
      not_inspected_reason: notInspected ? draft.not_inspected.reason : null,
      note: (notInspected ? draft.not_inspected.note : draft.note) || '',
      revision_of: null,
      // Photos of ad-hoc findings; item photos travel inside their answers.
      photo_sha256s: draft.findings.flatMap((finding) => finding.photo_sha256s || []),
    },
  };
  const itemFindings = failing.map((item) => ({
    item_key: item.key,
    title: item.label_zh,
    description: answers[item.key].note || '',
    severity: draft.answers[item.key].severity || item.fail_severity,
    photo_sha256s: answers[item.key].photo_sha256s || [],
  }));
  const adHoc = draft.findings.map((finding) => ({ item_key: null, ...finding }));
  const findings = [...itemFindings, ...adHoc].map((finding) => ({
    record_type: 'finding',
    record_id: crypto.randomUUID(),
    op: 'create',
    observed_at: finishedAt,
    label: finding.title,
    fields: {
      ...base,
      inspection_id: draft.id,
      department_id: location.department_id,
      item_key: finding.item_key,
      title: finding.title,
      description: finding.description || '',
      severity: finding.severity,
      status: 'open',
      raised_at: finishedAt,
    },
  }));
  return [inspection, ...findings];
}

/** A new draft; it keeps the template version it was started with, even if a newer one arrives. */
export function newDraft({ siteId, version, template, location, asset = null, scheduleId = null }) {
  return {
    id: crypto.randomUUID(),
    site_id: siteId,
    template_id: template.id,
    template_version_id: version.id,
    location_id: location?.id || asset?.location_id,
    asset_id: asset?.id || null,
    schedule_id: scheduleId,
    started_at: Date.now(),
    answers: {},
    findings: [],
    note: '',
    not_inspected: null,
  };
}
