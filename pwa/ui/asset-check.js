// An asset found by scan or from the due list: its facts, then its kind's checklist.
import { saveDraft } from '../db/drafts.js';
import { getMeta } from '../db/meta.js';
import { getOne, listAll, publishedVersionsOf } from '../db/pack.js';
import { newDraft } from '../capture/checks.js';
import { pick, t } from '../i18n/index.js';
import { assetFacts } from './asset-facts.js';
import { h, show } from './dom.js';
import { registrationNotice } from './register-asset.js';
import { go } from './router.js';

/** The template for an asset: same target kind, and for equipment the same category. */
async function templateFor(asset) {
  const templates = await listAll('templates');
  return templates.find(
    (template) =>
      template.target_kind === asset.kind &&
      (asset.kind !== 'equipment' || template.equipment_category === asset.category),
  );
}

export async function renderAssetCheck(assetId) {
  const asset = await getOne('assets', assetId);
  if (!asset) return go('/scan');
  const [location, template, pack, notice] = await Promise.all([
    getOne('locations', asset.location_id),
    templateFor(asset),
    getMeta('pack'),
    registrationNotice(asset),
  ]);
  const versions = template ? await publishedVersionsOf(template.id) : [];
  const start = async () => {
    const draft = newDraft({ siteId: pack.site_id, version: versions[0], template, location, asset });
    await saveDraft(draft);
    go(`/check/${draft.id}`);
  };
  return show(
    h(
      'section',
      { class: 'screen', 'data-testid': 'asset-check' },
      h('h1', {}, pick(asset)),
      h('p', { class: 'subtitle' }, asset.code),
      notice,
      assetFacts(asset, location),
      // A registration the server refused names no asset it knows: its checks could never land.
      notice?.dataset.refused
        ? null
        : versions.length
          ? h(
              'button',
              { class: 'big primary', onclick: start, 'data-testid': 'start-check' },
              `${t('start_check')}: ${pick(template)}`,
            )
          : h('p', { class: 'error' }, t('no_template')),
      h('a', { class: 'big', href: '#/scan' }, t('back')),
    ),
  );
}
