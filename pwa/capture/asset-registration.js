// Registering an unknown asset on the spot (scan flow): what a scanned or typed code can register,
// who may, the checks the server makes (server/sync_api/materialize.py, new_asset_values), and the
// change that goes to the outbox.

export const ASSET_KINDS = ['fire_extinguisher', 'bait_station', 'equipment'];
export const AGENTS = ['dry_powder', 'co2', 'water_based', 'clean_agent'];
// Roles whose users may register an asset (server/auth/access.py: REGISTER_ASSET).
const REGISTERING_ROLES = ['maintenance', 'site_admin'];
const LABEL_PREFIX = 'roundbook:asset:';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const CODE_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What an unknown scanned or typed text registers as: a Roundbook label gives the new asset its
 * token (the label then opens it), a typed code gives it its code. null: neither (a foreign QR).
 */
export function registrableCode(text) {
  const value = (text || '').trim();
  if (value.startsWith(LABEL_PREFIX)) {
    const token = value.slice(LABEL_PREFIX.length);
    return TOKEN_PATTERN.test(token) ? { qrToken: token, code: '' } : null;
  }
  return CODE_PATTERN.test(value) ? { qrToken: null, code: value } : null;
}

/** Whether the signed-in user may register assets on the site (known on the phone since sign-in). */
export function canRegisterAssets(session, siteId) {
  const user = session?.user;
  if (!user) return false;
  if (user.is_super_admin) return true;
  return (user.memberships || []).some(
    (membership) => membership.site_id === siteId && REGISTERING_ROLES.includes(membership.role),
  );
}

/** A new label token, like the server's (128 random bits, base64url): the back office prints it later. */
export function newQrToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const FIRST_SERVICE_YEARS = { dry_powder: 5, co2: 5, clean_agent: 5, water_based: 3 };
const SERVICE_INTERVAL_YEARS = { dry_powder: 2, co2: 2, clean_agent: 2, water_based: 1 };
const SCRAP_YEARS = { dry_powder: 10, clean_agent: 10, co2: 12, water_based: 6 };

function addYears(isoDay, years) {
  const [year, month, day] = isoDay.split('-').map(Number);
  const target = year + years;
  const isLeap = (target % 4 === 0 && target % 100 !== 0) || target % 400 === 0;
  // Feb 29 becomes Feb 28: a due date never slips into the next month (server/assets/lifecycle.py).
  const safeDay = month === 2 && day === 29 && !isLeap ? 28 : day;
  return `${String(target).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(safeDay).padStart(2, '0')}`;
}

/** Service and scrap dates of an extinguisher (GB 50444 tables 5.4.3 and 5.4.4), as the server computes them. */
export function extinguisherDates(agent, manufacturedOn, lastServicedOn = null) {
  if (!FIRST_SERVICE_YEARS[agent] || !ISO_DAY.test(manufacturedOn || '')) return {};
  const firstDue = addYears(manufacturedOn, FIRST_SERVICE_YEARS[agent]);
  const afterLast = lastServicedOn ? addYears(lastServicedOn, SERVICE_INTERVAL_YEARS[agent]) : firstDue;
  return {
    service_due_on: afterLast > firstDue ? afterLast : firstDue,
    scrap_due_on: addYears(manufacturedOn, SCRAP_YEARS[agent]),
  };
}

const isBlank = (value) => value == null || String(value).trim() === '';

function numberIn(value, low, high, whole) {
  const number = Number(value);
  return Number.isFinite(number) && number > low && number <= high && (!whole || Number.isInteger(number));
}

function kindProblems(form, today) {
  const problems = {};
  if (form.kind === 'fire_extinguisher') {
    if (!AGENTS.includes(form.agent)) problems.agent = 'required';
    if (!ISO_DAY.test(form.manufactured_on || '')) problems.manufactured_on = 'required';
    else if (form.manufactured_on > today) problems.manufactured_on = 'invalid';
    if (
      !isBlank(form.last_serviced_on) &&
      (!ISO_DAY.test(form.last_serviced_on) || form.last_serviced_on < (form.manufactured_on || ''))
    ) {
      problems.last_serviced_on = 'invalid';
    }
    if (!isBlank(form.capacity_kg) && !numberIn(form.capacity_kg, 0, 1000, false)) problems.capacity_kg = 'invalid';
  } else if (form.kind === 'bait_station') {
    if (isBlank(form.station_number)) problems.station_number = 'required';
    else if (!numberIn(form.station_number, 0, 99999, true)) problems.station_number = 'invalid';
  } else if (form.kind === 'equipment' && isBlank(form.category)) {
    problems.category = 'required';
  }
  return problems;
}

/** What keeps the form from being saved: {field: 'required' | 'invalid'}, in the order of the form. */
export function registrationProblems(form, today) {
  const problems = {};
  if (!ASSET_KINDS.includes(form.kind)) problems.kind = 'required';
  if (isBlank(form.code)) problems.code = 'required';
  else if (!CODE_PATTERN.test(form.code.trim())) problems.code = 'invalid';
  if (isBlank(form.name)) problems.name = 'required';
  else if (form.name.trim().length > 200) problems.name = 'invalid';
  if (isBlank(form.location_id)) problems.location_id = 'required';
  return { ...problems, ...kindProblems(form, today) };
}

function kindFields(form) {
  if (form.kind === 'fire_extinguisher') {
    return {
      agent: form.agent,
      manufactured_on: form.manufactured_on,
      ...(isBlank(form.last_serviced_on) ? {} : { last_serviced_on: form.last_serviced_on }),
      ...(isBlank(form.capacity_kg) ? {} : { capacity_kg: Number(form.capacity_kg) }),
    };
  }
  if (form.kind === 'bait_station') return { station_number: Number(form.station_number) };
  return { category: form.category.trim() };
}

/**
 * The outbox change that registers the asset (op create, its own record id) and the row the phone
 * keeps in its pack meanwhile, so the asset opens and can be checked before the change syncs.
 */
export function registrationChange(form, { siteId, language, label }) {
  const now = Date.now();
  const name = form.name.trim();
  const fields = {
    site_id: siteId,
    location_id: form.location_id,
    kind: form.kind,
    code: form.code.trim(),
    // name_zh is the name every asset must have; an English-speaking crew's name fills both.
    name_zh: name,
    name_en: language === 'en' ? name : '',
    qr_token: form.qr_token || newQrToken(),
    status: 'in_service',
    notes: '',
    ...kindFields(form),
  };
  const change = {
    record_type: 'asset',
    record_id: crypto.randomUUID(),
    op: 'create',
    observed_at: now,
    label,
    fields,
  };
  const dates =
    form.kind === 'fire_extinguisher'
      ? extinguisherDates(fields.agent, fields.manufactured_on, fields.last_serviced_on)
      : {};
  const row = { ...fields, ...dates, id: change.record_id, version: 0, registered_on_phone: true, registered_at: now };
  return { change, row };
}

/** The asset of the pack that already holds this code (any case) or label token on the site, if any. */
export function labelHolder(assets, { siteId, code, qrToken, exceptId = null }) {
  const wanted = (code || '').trim().toLowerCase();
  return (
    assets.find(
      (asset) =>
        asset.id !== exceptId &&
        asset.site_id === siteId &&
        ((qrToken && asset.qr_token === qrToken) || (wanted && (asset.code || '').toLowerCase() === wanted)),
    ) || null
  );
}
