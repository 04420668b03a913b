/** The gateway the sandbox plays against: its base URL and, when it asks for one, an API key. */
export interface GatewayTarget {
  url: string;
  apiKey?: string;
}

/** `fetch` of a path on the gateway, with its API key (`x-api-key`) when one is given. */
export function gatewayFetch(target: GatewayTarget, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (target.apiKey) headers.set('x-api-key', target.apiKey);
  return fetch(`${target.url}${path}`, { ...init, headers });
}

/** An answer the sandbox cannot go on without: the URL and status, and for a 401 the option that fixes it. */
export function refusedBy(url: string, response: Response): Error {
  const hint = response.status === 401 ? ': the gateway wants an API key, pass --api-key (or SANDBOX_API_KEY)' : '';
  return new Error(`${url} answered HTTP ${response.status}${hint}`);
}
