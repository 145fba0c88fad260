// Register an unknown asset on the spot: what the scan screen shows under an unknown code, the
// short one-hand form, and what the asset screen says until the server has the registration.
import {
  AGENTS,
  ASSET_KINDS,
  canRegisterAssets,
  labelHolder,
  registrableCode,
  registrationChange,
  registrationProblems,
} from '../capture/asset-registration.js';
import { getMeta } from '../db/meta.js';
import { listAll } from '../db/pack.js';
import { listUsableAssets, registrationState, saveRegisteredAsset } from '../db/registrations.js';
import { currentLanguage, pick, t } from '../i18n/index.js';
import { queueChanges } from '../outbox/index.js';
import { localDay } from '../sync/pack.js';
import { h, notifyChanged, show, toast } from './dom.js';
import { go } from './router.js';

// The form's fields in screen order: their element ids and the words naming them in a problem.
const FIELDS = {
  kind: { id: 'asset-kind', label: 'asset_kind' },
  code: { id: 'asset-code', label: 'asset_code' },
  name: { id: 'asset-name', label: 'asset_name' },
  location_id: { id: 'asset-location', label: 'location' },
  agent: { id: 'asset-agent', label: 'agent' },
  manufactured_on: { id: 'asset-manufactured-on', label: 'manufactured_on' },
  last_serviced_on: { id: 'asset-last-serviced-on', label: 'last_serviced_on' },
  capacity_kg: { id: 'asset-capacity', label: 'capacity_kg' },
  station_number: { id: 'asset-station-number', label: 'bait_station_number' },
  category: { id: 'asset-category', label: 'equipment_category' },
};

/** What the scan screen shows under a code the register does not know, for this user. */
export async function unknownCodePanel(text) {
  const [session, pack] = await Promise.all([getMeta('session'), getMeta('pack')]);
  const siteId = pack?.site_id;
  if (!canRegisterAssets(session, siteId)) {
    return h('p', { class: 'warn', 'data-testid': 'unknown-code-help' }, t('register_ask_others'));
  }
  const code = registrableCode(text);
  if (!code) return h('p', { class: 'warn', 'data-testid': 'unknown-code-help' }, t('register_not_a_label'));
  return h(
    'div',
    { 'data-testid': 'unknown-code-help' },
    h('p', {}, t('register_offer')),
    h(
      'button',
      {
        type: 'button',
        class: 'big primary',
        'data-testid': 'register-asset',
        onclick: async () => show(await registrationScreen(code, siteId)),
      },
      t('register_asset'),
    ),
  );
}

function choiceGroup(id, label, values, chosen, textOf, onPick) {
  const buttons = values.map((value) =>
    h(
      'button',
      {
        type: 'button',
        class: 'choice',
        'aria-pressed': String(value === chosen),
        dataset: { value },
        onclick: () => {
          buttons.forEach((button) => button.setAttribute('aria-pressed', String(button.dataset.value === value)));
          onPick(value);
        },
      },
      textOf(value),
    ),
  );
  return h('div', { id, class: 'choices', role: 'group', 'aria-label': label, tabindex: '-1' }, buttons);
}

function field(name, control, hint = null) {
  return [
    h('label', { for: FIELDS[name].id }, t(FIELDS[name].label)),
    hint && h('p', { class: 'subtitle' }, hint),
    control,
  ];
}

function input(name, attrs = {}) {
  return h('input', { id: FIELDS[name].id, name, autocomplete: 'off', ...attrs });
}

/** The facts only one kind has: an extinguisher's agent and dates, a station's number, equipment's type. */
function kindSection(form, categories, today) {
  if (form.kind === 'fire_extinguisher') {
    return [
      h('p', { class: 'field-label' }, t('agent')),
      choiceGroup(
        FIELDS.agent.id,
        t('agent'),
        AGENTS,
        form.agent,
        (agent) => t(`agent_${agent}`),
        (agent) => {
          form.agent = agent;
        },
      ),
      field('manufactured_on', input('manufactured_on', { type: 'date', max: today, value: form.manufactured_on })),
      field(
        'last_serviced_on',
        input('last_serviced_on', { type: 'date', max: today, value: form.last_serviced_on }),
        t('optional_on_tag'),
      ),
      field(
        'capacity_kg',
        input('capacity_kg', { type: 'number', inputmode: 'decimal', min: '0', step: '0.1', value: form.capacity_kg }),
      ),
    ];
  }
  if (form.kind === 'bait_station') {
    return field(
      'station_number',
      input('station_number', {
        type: 'number',
        inputmode: 'numeric',
        min: '1',
        step: '1',
        value: form.station_number,
      }),
    );
  }
  const control = categories.length
    ? h(
        'select',
        { id: FIELDS.category.id, name: 'category' },
        h('option', { value: '' }, t('choose_one')),
        categories.map((category) =>
          h('option', { value: category.value, selected: category.value === form.category }, category.label),
        ),
      )
    : input('category', { value: form.category });
  return field('category', control);
}

async function siteChoices(siteId) {
  const [locations, templates] = await Promise.all([listAll('locations'), listAll('templates')]);
  const here = locations
    .filter((location) => location.site_id === siteId && location.is_active !== false)
    .sort((a, b) => (a.code || '').localeCompare(b.code || ''));
  // Equipment types that have a checklist, so the new asset can be checked at once.
  const categories = new Map();
  templates
    .filter((template) => template.target_kind === 'equipment' && template.equipment_category)
    .forEach((template) => categories.set(template.equipment_category, pick(template)));
  return { locations: here, categories: [...categories].map(([value, label]) => ({ value, label })) };
}

function readForm(formElement, form) {
  for (const name of [
    'code',
    'name',
    'location_id',
    'manufactured_on',
    'last_serviced_on',
    'capacity_kg',
    'station_number',
    'category',
  ]) {
    const element = formElement.querySelector(`#${FIELDS[name].id}`);
    if (element) form[name] = element.value;
  }
  return form;
}

function problemText(name, problem) {
  return t(problem === 'required' ? 'register_required' : 'register_invalid', { field: t(FIELDS[name].label) });
}

/** The registration form as its own screen (on the scan route: a reload goes back to scanning). */
async function registrationScreen(code, siteId) {
  const today = localDay();
  const { locations, categories } = await siteChoices(siteId);
  const form = {
    kind: 'fire_extinguisher',
    code: code.code,
    qr_token: code.qrToken,
    name: t('kind_fire_extinguisher'),
    location_id: '',
    agent: null,
    manufactured_on: '',
    last_serviced_on: '',
    capacity_kg: '',
    station_number: '',
    category: '',
  };
  let nameEdited = false;
  const problem = h('div', { class: 'error', role: 'alert', 'data-testid': 'register-problem' });
  const kindFacts = h('div', {});
  const paintKind = () => kindFacts.replaceChildren(...kindSection(form, categories, today).flat().filter(Boolean));
  const name = input('name', {
    value: form.name,
    maxlength: '200',
    oninput: () => {
      nameEdited = true;
    },
  });
  const element = h(
    'form',
    { class: 'stack', 'data-testid': 'register-form', novalidate: true },
    code.qrToken ? h('p', { class: 'subtitle' }, t('register_label_kept')) : null,
    h('p', { class: 'field-label' }, t('asset_kind')),
    choiceGroup(
      FIELDS.kind.id,
      t('asset_kind'),
      ASSET_KINDS,
      form.kind,
      (kind) => t(`kind_${kind}`),
      (kind) => {
        readForm(element, form);
        form.kind = kind;
        if (!nameEdited) {
          form.name = t(`kind_${kind}`);
          name.value = form.name;
        }
        paintKind();
      },
    ),
    field(
      'code',
      input('code', { value: form.code, autocapitalize: 'characters', maxlength: '32' }),
      t('asset_code_hint'),
    ),
    field('name', name),
    field(
      'location_id',
      h(
        'select',
        { id: FIELDS.location_id.id, name: 'location_id' },
        h('option', { value: '' }, t('choose_one')),
        locations.map((location) => h('option', { value: location.id }, `${pick(location)} · ${location.code}`)),
      ),
    ),
    kindFacts,
    problem,
    h('button', { type: 'submit', class: 'big primary', 'data-testid': 'save-registration' }, t('register_save')),
    h('button', { type: 'button', class: 'big plain', onclick: () => go('/scan') }, t('back')),
  );
  paintKind();
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = element.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await saveRegistration(readForm(element, form), siteId, today, element, problem);
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'screen', 'data-testid': 'register-asset-screen' },
    h('h1', {}, t('register_title')),
    element,
  );
}

async function saveRegistration(form, siteId, today, element, problem) {
  const problems = registrationProblems(form, today);
  const [first] = Object.keys(problems);
  if (first) {
    problem.replaceChildren(problemText(first, problems[first]));
    element.querySelector(`#${FIELDS[first].id}`)?.focus();
    return;
  }
  // The pack knows the register as of the last sync: an asset it has is opened, not doubled.
  const holder = labelHolder(await listUsableAssets(), { siteId, code: form.code, qrToken: form.qr_token });
  if (holder) {
    problem.replaceChildren(
      t('register_code_in_register', { code: holder.code }),
      h('a', { class: 'big', href: `#/asset/${holder.id}` }, t('open_registered_asset', { code: holder.code })),
    );
    return;
  }
  const session = await getMeta('session');
  const label = t('registration_label', { name: form.name.trim(), code: form.code.trim() });
  const { change, row } = registrationChange(form, { siteId, language: currentLanguage(), label });
  // The change first: if the phone dies between the two, the asset still reaches the server and
  // comes back with the next pull; the other way round it would exist only on this phone.
  await queueChanges([change], { node: session.device_id, userId: session.user.id });
  await saveRegisteredAsset(row);
  notifyChanged();
  window.dispatchEvent(new CustomEvent('roundbook:sync-request'));
  toast(t('registration_saved'));
  go(`/asset/${row.id}`);
}

/** Words for a refused registration; null when the refusal is not about registering an asset. */
export function registrationRefusalText(code) {
  if (code === 'qr_code_taken') return t('rejected_qr_code_taken');
  if (code === 'station_number_taken') return t('rejected_station_number_taken');
  if (code === 'forbidden') return t('rejected_registration_forbidden');
  return t('rejected_registration', { code });
}

/** For the list of problems from the server: a refused registration in words; null for other problems. */
export function rejectionText(problem) {
  const payload = problem?.op?.payload;
  if (problem?.kind !== 'rejected' || payload?.record_type !== 'asset' || payload.op !== 'create') return null;
  return registrationRefusalText(problem.code);
}

/** On the screen of an asset registered on this phone: waiting to sync, or refused and why. */
export async function registrationNotice(asset) {
  if (!asset?.registered_on_phone) return null;
  const state = await registrationState(asset.id);
  if (!state || state.status === 'synced') return null;
  if (state.status === 'pending') {
    return h('p', { class: 'warn', role: 'status', 'data-testid': 'registration-state' }, t('registration_pending'));
  }
  const holder = labelHolder(await listUsableAssets(), {
    siteId: asset.site_id,
    code: asset.code,
    qrToken: asset.qr_token,
    exceptId: asset.id,
  });
  return h(
    'div',
    { role: 'alert', 'data-testid': 'registration-state', dataset: { refused: 'true' } },
    h('p', { class: 'error' }, registrationRefusalText(state.code)),
    holder &&
      h(
        'a',
        { class: 'big primary', href: `#/asset/${holder.id}`, 'data-testid': 'open-registered-asset' },
        t('open_registered_asset', { code: holder.code }),
      ),
  );
}
