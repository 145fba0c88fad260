// Ward round: choose the ward (or arrive from a due check), choose the checklist, start a draft.
import { saveDraft } from '../db/drafts.js';
import { getOne, listAll, publishedVersionsOf } from '../db/pack.js';
import { getMeta } from '../db/meta.js';
import { newDraft } from '../capture/checks.js';
import { pick, t } from '../i18n/index.js';
import { h, show, toast } from './dom.js';
import { go } from './router.js';

/** Start a draft of a location check with the newest published version of the template. */
export async function startLocationCheck(locationId, templateId, scheduleId = null) {
  const [location, template, versions, pack] = await Promise.all([
    getOne('locations', locationId),
    getOne('templates', templateId),
    publishedVersionsOf(templateId),
    getMeta('pack'),
  ]);
  if (!location || !template || !versions.length) return toast(t('no_template'));
  const draft = newDraft({ siteId: pack.site_id, version: versions[0], template, location, scheduleId });
  await saveDraft(draft);
  return go(`/check/${draft.id}`);
}

async function chooseTemplate(location) {
  const templates = (await listAll('templates')).filter((template) => template.target_kind === 'location');
  // The ward round checklist comes first: it is what most rounds are.
  templates.sort((a, b) => (b.key === 'ward_round') - (a.key === 'ward_round'));
  show(
    h(
      'section',
      { class: 'screen' },
      h('h1', {}, pick(location)),
      h('h2', {}, t('choose_checklist')),
      h(
        'ul',
        { class: 'rows' },
        templates.map((template) =>
          h(
            'li',
            {},
            h('button', { class: 'row', onclick: () => startLocationCheck(location.id, template.id) }, pick(template)),
          ),
        ),
      ),
      h('a', { class: 'big', href: '#/round' }, t('back')),
    ),
  );
}

export async function renderWardRound(locationId, templateId, scheduleId) {
  if (locationId && templateId) return startLocationCheck(locationId, templateId, scheduleId || null);
  const locations = (await listAll('locations')).filter((location) => location.is_active !== false);
  locations.sort((a, b) => (a.kind === 'ward' ? 0 : 1) - (b.kind === 'ward' ? 0 : 1) || a.code.localeCompare(b.code));
  const list = h('ul', { class: 'rows', 'data-testid': 'locations' });
  const fill = (query) => {
    const q = query.trim().toLowerCase();
    list.replaceChildren(
      ...locations
        .filter(
          (location) => !q || `${location.code} ${location.name_zh} ${location.name_en}`.toLowerCase().includes(q),
        )
        .slice(0, 60)
        .map((location) =>
          h(
            'li',
            {},
            h(
              'button',
              { class: 'row', onclick: () => chooseTemplate(location) },
              h('span', { class: 'row-main' }, pick(location)),
              h('span', { class: 'row-sub' }, location.code),
            ),
          ),
        ),
    );
  };
  fill('');
  return show(
    h(
      'section',
      { class: 'screen' },
      h('h1', {}, t('choose_location')),
      h('label', { for: 'location-search' }, t('search')),
      h('input', { id: 'location-search', type: 'search', oninput: (event) => fill(event.target.value) }),
      list,
    ),
  );
}
