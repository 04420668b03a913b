// Calls to the gateway's API with this tab's credential: a SMART access token when signed in,
// else the API key entered once for this tab.
import { forgetToken, settings, signIn, smartToken } from '/console/smart.js';

const KEY = 'ehr-gateway.console.apiKey';

let prompt;

export function apiKey() {
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Forgets this tab's API key and SMART token. */
export function forgetCredentials() {
  sessionStorage.removeItem(KEY);
  forgetToken();
}

export function hasCredentials() {
  return apiKey() !== undefined || smartToken() !== undefined;
}

export function authHeaders() {
  const token = smartToken();
  if (token) return { Authorization: `Bearer ${token}` };
  const key = apiKey();
  return key ? { 'X-API-Key': key } : {};
}

/**
 * Asks once, however many calls were refused at the same time: for an API key,
 * or to sign in with SMART (which leaves the page and comes back signed in).
 */
export function askForCredentials() {
  prompt ??= settings().then(
    ({ apiKeys, smart }) =>
      new Promise((resolve) => {
        const dialog = document.getElementById('key-dialog');
        const input = document.getElementById('key-input');
        const signInButton = document.getElementById('smart-sign-in');
        document.getElementById('key-fields').hidden = !apiKeys;
        input.required = apiKeys;
        signInButton.hidden = !smart;
        document.getElementById('no-sign-in').hidden = apiKeys || smart !== undefined;
        signInButton.onclick = () => void signIn();
        input.value = '';
        dialog.addEventListener(
          'close',
          () => {
            if (input.value) sessionStorage.setItem(KEY, input.value);
            prompt = undefined;
            document.getElementById('forget-key').hidden = !hasCredentials();
            resolve();
          },
          { once: true },
        );
        dialog.showModal();
      }),
  );
  return prompt;
}

/** `fetch` with the credential; on 401 asks for one and tries again. Returns the Response. */
export async function call(path, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
    if (response.status !== 401 || attempt >= 2) return response;
    await askForCredentials();
  }
}

/** A JSON call; throws with the server's message on an error status. */
export async function json(path, init = {}) {
  const response = await call(path, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, body);
  return { body, response };
}

export class ApiError extends Error {
  constructor(status, body) {
    const message =
      body?.issue?.map((issue) => issue.diagnostics ?? issue.code).join('; ') ??
      (Array.isArray(body?.message) ? body.message.join('; ') : body?.message) ??
      `HTTP ${status}`;
    super(`${message} (HTTP ${status})`);
    this.status = status;
  }
}
