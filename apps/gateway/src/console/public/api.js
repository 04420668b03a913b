// Calls to the gateway's API, with the API key of this tab when the gateway asks for one.
const KEY = 'ehr-gateway.console.apiKey';

let keyPrompt;

export function apiKey() {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}

export function authHeaders() {
  const key = apiKey();
  return key ? { 'X-API-Key': key } : {};
}

/** Asks for a key once, however many calls were refused at the same time. */
export function askForKey() {
  keyPrompt ??= new Promise((resolve) => {
    const dialog = document.getElementById('key-dialog');
    const input = document.getElementById('key-input');
    input.value = '';
    dialog.addEventListener(
      'close',
      () => {
        if (input.value) sessionStorage.setItem(KEY, input.value);
        keyPrompt = undefined;
        document.getElementById('forget-key').hidden = !apiKey();
        resolve();
      },
      { once: true },
    );
    dialog.showModal();
  });
  return keyPrompt;
}

/** `fetch` with the key; on 401 asks for a key and tries again. Returns the Response. */
export async function call(path, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
    if (response.status !== 401 || attempt >= 2) return response;
    await askForKey();
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
