// The asset's facts above its checklist; dates past due are red (GB 50444 service and scrap).
import { localDay } from '../sync/pack.js';
import { pick, t } from '../i18n/index.js';
import { h } from './dom.js';

function fact(label, value, isPast = false) {
  if (value == null || value === '') return null;
  return h(
    'div',
    { class: `fact${isPast ? ' status-red' : ''}` },
    h('dt', {}, label),
    h('dd', {}, String(value), isPast ? h('strong', {}, ` (${t('past_due')})`) : null),
  );
}

export function assetFacts(asset, location) {
  const today = localDay();
  const past = (day) => Boolean(day) && day < today;
  return h(
    'section',
    { class: 'facts', 'aria-label': t('asset_facts') },
    h(
      'dl',
      {},
      fact(t('location'), location ? `${pick(location)} · ${location.code}` : ''),
      fact(t('agent'), asset.agent ? t(`agent_${asset.agent}`) : null),
      fact(t('capacity'), asset.capacity_kg ? `${asset.capacity_kg} kg` : null),
      fact(t('manufactured_on'), asset.manufactured_on),
      fact(t('service_due_on'), asset.service_due_on, past(asset.service_due_on) || asset.flags?.is_service_overdue),
      fact(t('scrap_due_on'), asset.scrap_due_on, past(asset.scrap_due_on) || asset.flags?.is_scrap_overdue),
      fact(t('station_number'), asset.station_number),
      fact(t('model'), asset.model),
      fact(t('serial'), asset.serial_number),
      fact(t('statutory_due'), asset.statutory_inspection_due_on, past(asset.statutory_inspection_due_on)),
    ),
  );
}
