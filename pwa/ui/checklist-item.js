// One checklist item: big answer buttons; a fail opens note, photo and severity on the spot.
import { isFailingAnswer, SEVERITIES } from '../capture/checks.js';
import { pick, t } from '../i18n/index.js';
import { h } from './dom.js';
import { photoButton } from './photo-button.js';

function choiceButtons(item, answer, choices, onPick) {
  return h(
    'div',
    { class: 'choices', role: 'group', 'aria-label': pick(item, 'label') },
    choices.map(({ value, label, tone }) =>
      h(
        'button',
        {
          type: 'button',
          class: `choice tone-${tone || 'plain'}`,
          'aria-pressed': String(answer?.value === value),
          dataset: { value: String(value) },
          onclick: () => onPick(value),
        },
        label,
      ),
    ),
  );
}

function answerControl(item, answer, setValue) {
  const key = `answer-${item.key}`;
  switch (item.type) {
    case 'pass_fail_na':
      return choiceButtons(
        item,
        answer,
        [
          { value: 'pass', label: t('pass'), tone: 'green' },
          { value: 'fail', label: t('fail'), tone: 'red' },
          { value: 'na', label: t('na') },
        ],
        setValue,
      );
    case 'yes_no':
      return choiceButtons(
        item,
        answer,
        [
          { value: 'yes', label: t('yes'), tone: item.fail_when === 'yes' ? 'red' : 'green' },
          { value: 'no', label: t('no'), tone: item.fail_when === 'no' ? 'red' : 'green' },
          { value: 'na', label: t('na') },
        ],
        setValue,
      );
    case 'single_choice':
      return choiceButtons(
        item,
        answer,
        [
          ...item.options.map((option) => ({
            value: option.key,
            label: pick(option, 'label'),
            tone: (item.fail_when || []).includes(option.key) ? 'red' : 'plain',
          })),
          { value: 'na', label: t('na') },
        ],
        setValue,
      );
    case 'multiple_choice': {
      const chosen = Array.isArray(answer?.value) ? answer.value : [];
      return h(
        'div',
        { class: 'choices', role: 'group', 'aria-label': pick(item, 'label') },
        item.options.map((option) =>
          h(
            'button',
            {
              type: 'button',
              class: `choice tone-${(item.fail_when || []).includes(option.key) ? 'red' : 'plain'}`,
              'aria-pressed': String(chosen.includes(option.key)),
              dataset: { value: option.key },
              onclick: () =>
                setValue(
                  chosen.includes(option.key) ? chosen.filter((k) => k !== option.key) : [...chosen, option.key],
                ),
            },
            pick(option, 'label'),
          ),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'choice',
            'aria-pressed': String(answer?.value === 'na'),
            dataset: { value: 'na' },
            onclick: () => setValue('na'),
          },
          t('na'),
        ),
      );
    }
    case 'number':
      return h(
        'span',
        { class: 'number' },
        h('input', {
          id: key,
          type: 'number',
          inputmode: 'decimal',
          'aria-label': pick(item, 'label'),
          value: answer?.value ?? '',
          onchange: (event) => setValue(event.target.value === '' ? 'na' : Number(event.target.value)),
        }),
        h('span', {}, item.unit || ''),
      );
    case 'text':
      return h(
        'textarea',
        { id: key, rows: 2, 'aria-label': pick(item, 'label'), onchange: (event) => setValue(event.target.value) },
        answer?.value || '',
      );
    default:
      return null;
  }
}

function failDetails(item, answer, draft, update) {
  const note = h(
    'textarea',
    {
      id: `note-${item.key}`,
      rows: 2,
      onchange: (event) => update({ note: event.target.value }),
    },
    answer.note || '',
  );
  const photos = answer.photo_sha256s || [];
  const severity = answer.severity || item.fail_severity;
  return h(
    'div',
    { class: 'fail-details' },
    h('p', { class: 'hint' }, t('fail_needs')),
    h('label', { for: `note-${item.key}` }, t('note')),
    note,
    photoButton({ draft, onPhoto: (sha256) => update({ photo_sha256s: [...photos, sha256] }) }),
    photos.length > 0 &&
      h('p', { class: 'ok', 'data-testid': 'photo-count' }, `${t('photo_added')} × ${photos.length}`),
    h('p', { class: 'field-label' }, t('severity')),
    h(
      'div',
      { class: 'choices', role: 'group', 'aria-label': t('severity') },
      SEVERITIES.map((level) =>
        h(
          'button',
          {
            type: 'button',
            class: `choice severity-${level}`,
            'aria-pressed': String(severity === level),
            onclick: () => update({ severity: level }),
          },
          t(`severity_${level}`),
        ),
      ),
    ),
  );
}

/** Render an item; `update(patch)` merges into its answer, saves the draft and re-renders. */
export function checklistItem(item, draft, problem, update) {
  const answer = draft.answers[item.key];
  const failing = answer && isFailingAnswer(item, answer.value);
  const container = h(
    'li',
    {
      class: `item${failing ? ' failing' : ''}${problem ? ' has-problem' : ''}`,
      id: `item-${item.key}`,
      dataset: { key: item.key },
    },
    h('p', { class: 'item-label' }, pick(item, 'label')),
    pick(item, 'help') && h('p', { class: 'item-help' }, pick(item, 'help')),
    item.type === 'photo'
      ? photoButton({
          draft,
          onPhoto: (sha256) => update({ value: null, photo_sha256s: [...(answer?.photo_sha256s || []), sha256] }),
        })
      : answerControl(item, answer, (value) => update({ value })),
    failing && failDetails(item, answer, draft, update),
    problem && h('p', { class: 'error', role: 'alert' }, t(problem)),
  );
  return container;
}
