// A check in progress (ward round or asset): every tap is saved to the draft at once.
import { answerProblems, changesForDraft, NOT_INSPECTED_REASONS } from '../capture/checks.js';
import { discardDraft, getDraft, saveDraft } from '../db/drafts.js';
import { getMeta } from '../db/meta.js';
import { getOne } from '../db/pack.js';
import { pick, t } from '../i18n/index.js';
import { queueChanges } from '../outbox/index.js';
import { assetFacts } from './asset-facts.js';
import { checklistItem } from './checklist-item.js';
import { h, notifyChanged, show, toast } from './dom.js';
import { photoButton } from './photo-button.js';
import { go } from './router.js';

async function submit(draft, version, location, title) {
  const started = performance.now();
  const session = await getMeta('session');
  const changes = changesForDraft(draft, version, { location, title });
  await queueChanges(changes, { node: session.device_id, userId: session.user.id, draftId: draft.id });
  // Read by the browser tests: the "saved at once" promise of issue 4 (target < 150 ms).
  performance.measure('roundbook:save-to-outbox', { start: started, end: performance.now() });
  notifyChanged();
  window.dispatchEvent(new CustomEvent('roundbook:sync-request'));
  toast(t('saved_to_outbox'));
  go('/home');
}

function adHocFindingForm(draft, save) {
  const title = h('input', { id: 'finding-title' });
  const note = h('textarea', { id: 'finding-note', rows: 2 });
  const finding = { title: '', description: '', severity: 'medium', photo_sha256s: [] };
  const photos = h('p', { class: 'ok' });
  return h(
    'div',
    { class: 'fail-details' },
    h('label', { for: 'finding-title' }, t('finding_title')),
    title,
    h('label', { for: 'finding-note' }, t('note')),
    note,
    photoButton({
      draft,
      onPhoto: async (sha256) => {
        finding.photo_sha256s.push(sha256);
        photos.textContent = `${t('photo_added')} × ${finding.photo_sha256s.length}`;
      },
    }),
    photos,
    h(
      'button',
      {
        type: 'button',
        class: 'big',
        async onclick() {
          if (!title.value.trim()) return title.focus();
          draft.findings.push({ ...finding, title: title.value.trim(), description: note.value.trim() });
          return save();
        },
      },
      t('save_finding'),
    ),
  );
}

function notInspectedForm(draft, onConfirm) {
  let reason = draft.not_inspected?.reason || null;
  const note = h('textarea', { id: 'not-inspected-note', rows: 2 });
  const buttons = NOT_INSPECTED_REASONS.map((key) =>
    h(
      'button',
      {
        type: 'button',
        class: 'choice',
        'aria-pressed': 'false',
        onclick: (event) => {
          reason = key;
          buttons.forEach((button) => button.setAttribute('aria-pressed', String(button === event.currentTarget)));
        },
      },
      t(`reason_${key}`),
    ),
  );
  return h(
    'div',
    { class: 'fail-details' },
    h('p', { class: 'field-label' }, t('reason')),
    h('div', { class: 'choices', role: 'group', 'aria-label': t('reason') }, buttons),
    h('label', { for: 'not-inspected-note' }, t('note')),
    note,
    h(
      'button',
      { type: 'button', class: 'big danger', onclick: () => reason && onConfirm({ reason, note: note.value.trim() }) },
      t('confirm_not_inspected'),
    ),
  );
}

export async function renderCheckDraft(draftId) {
  const draft = await getDraft(draftId);
  if (!draft) return go('/home');
  // The draft's own version, even if a newer one was published since it was started.
  const [version, template, location, asset] = await Promise.all([
    getOne('versions', draft.template_version_id),
    getOne('templates', draft.template_id),
    getOne('locations', draft.location_id),
    draft.asset_id ? getOne('assets', draft.asset_id) : null,
  ]);
  const title = `${pick(asset || location)} · ${pick(template)}`;
  let problems = {};
  const list = h('ol', { class: 'items' });
  const extras = h('div', {});

  const save = async () => {
    await saveDraft(draft);
    paint();
  };
  const paint = () => {
    list.replaceChildren(
      ...version.items.map((item) =>
        checklistItem(item, draft, problems[item.key], async (patch) => {
          draft.answers[item.key] = { ...(draft.answers[item.key] || {}), ...patch };
          delete problems[item.key];
          await save();
        }),
      ),
    );
    extras.replaceChildren(
      h(
        'div',
        {},
        draft.findings.length > 0 && h('p', { class: 'ok' }, t('findings_added', { count: draft.findings.length })),
        h('details', {}, h('summary', { class: 'big' }, t('add_finding')), adHocFindingForm(draft, save)),
      ),
    );
  };
  paint();

  const onSubmit = async () => {
    problems = answerProblems(version.items, draft.answers);
    const count = Object.keys(problems).length;
    if (count) {
      paint();
      toast(t('fix_answers', { count }));
      return document.getElementById(`item-${Object.keys(problems)[0]}`)?.scrollIntoView({ block: 'center' });
    }
    return submit(draft, version, location, title);
  };
  const onNotInspected = async (notInspected) => {
    draft.not_inspected = notInspected;
    await saveDraft(draft);
    return submit(draft, version, location, title);
  };
  const note = h(
    'textarea',
    {
      id: 'general-note',
      rows: 2,
      onchange: async (event) => {
        draft.note = event.target.value;
        await saveDraft(draft);
      },
    },
    draft.note || '',
  );

  show(
    h(
      'section',
      { class: 'screen', 'data-testid': 'check-draft' },
      h('h1', {}, pick(asset || location)),
      h('p', { class: 'subtitle' }, `${pick(template)} · v${version.number}`),
      asset && assetFacts(asset, location),
      list,
      extras,
      h('label', { for: 'general-note' }, t('general_note')),
      note,
      h('button', { type: 'button', class: 'big primary', 'data-testid': 'submit', onclick: onSubmit }, t('submit')),
      h('details', {}, h('summary', { class: 'big' }, t('could_not_inspect')), notInspectedForm(draft, onNotInspected)),
      h(
        'button',
        {
          type: 'button',
          class: 'big plain',
          async onclick() {
            if (!window.confirm(t('confirm_discard'))) return;
            await discardDraft(draft.id);
            go('/home');
          },
        },
        t('discard'),
      ),
    ),
  );
}
