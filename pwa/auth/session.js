// Sign-in for phones. The access token lives in memory only; what keeps the phone signed in is
// the HttpOnly refresh cookie (scoped to /api/auth/token), which page scripts cannot read.
import { deleteMeta, getMeta, setMeta } from '../db/meta.js';

const REQUEST_TIMEOUT_MS = 20000;
let accessToken = null;
let accessExpiresAt = 0;
let refreshing = null;

export class NetworkError extends Error {}

/** fetch with a timeout: a hung request is a failure to retry, never a success. */
export async function fetchWithTimeout(url, options = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await fetch(url, { credentials: 'same-origin', ...options, signal: controller.signal });
  } catch (error) {
    throw new NetworkError(error.name === 'AbortError' ? 'timeout' : 'offline');
  } finally {
    clearTimeout(timer);
  }
}

function keepGrant(grant) {
  accessToken = grant.access_token;
  accessExpiresAt = Date.now() + (grant.expires_in_s - 30) * 1000;
}

/** Sign this phone in; returns the user. Throws {code} on bad credentials. */
export async function signIn(username, password) {
  const response = await fetchWithTimeout('/api/auth/devices', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, device_name: deviceName() }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok)
    throw Object.assign(new Error(body.message || 'sign-in failed'), { code: body.code, status: response.status });
  keepGrant(body);
  const session = { user: body.user, device_id: body.device_id, signed_in_at: Date.now() };
  await setMeta('session', session);
  return session;
}

/** A new access token from the refresh cookie; null when the phone must sign in again. */
export function refresh() {
  refreshing ??= (async () => {
    try {
      const response = await fetchWithTimeout('/api/auth/token', { method: 'POST' });
      if (response.status === 401 || response.status === 403) return null;
      if (!response.ok) throw new NetworkError(`server_${response.status}`);
      keepGrant(await response.json());
      return accessToken;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export function hasToken() {
  return Boolean(accessToken) && Date.now() < accessExpiresAt;
}

/** fetch the API with the bearer token; refreshes once on 401. Throws NetworkError when offline. */
export async function apiFetch(url, options = {}) {
  if (!hasToken()) await refresh().catch(() => null);
  const send = () =>
    fetchWithTimeout(url, {
      ...options,
      headers: { ...(options.headers || {}), ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}) },
    });
  let response = await send();
  if (response.status === 401 && (await refresh().catch(() => null))) response = await send();
  return response;
}

export async function apiJson(url) {
  const response = await apiFetch(url);
  if (!response.ok) throw Object.assign(new Error(`${url}: ${response.status}`), { status: response.status });
  return { body: await response.json(), headers: response.headers };
}

export async function currentSession() {
  return getMeta('session');
}

/** Forget the token and the session; revoke the device when online (best effort). */
export async function signOut() {
  const session = await getMeta('session');
  if (session?.device_id) {
    await apiFetch(`/api/auth/devices/${session.device_id}`, { method: 'DELETE' }).catch(() => null);
  }
  accessToken = null;
  accessExpiresAt = 0;
  await deleteMeta('session');
}

function deviceName() {
  const platform = self.navigator?.userAgentData?.platform || self.navigator?.platform || 'phone';
  return `Roundbook app (${platform})`.slice(0, 100);
}
