// SMART sign-in for the console: authorization code with PKCE (S256) as a public client,
// through oauth4webapi (served from node_modules). The token lives in this tab's sessionStorage only.
import * as oauth from '/console/vendor/oauth4webapi.js';

const TOKEN = 'ehr-gateway.console.smartToken';
const PENDING = 'ehr-gateway.console.smartPending';

let settingsPromise;

/** `{ apiKeys, smart?: { clientId, scope } }` from the gateway (public, no secret). */
export function settings() {
  settingsPromise ??= fetch('/console/settings', { headers: { Accept: 'application/json' } }).then((r) => r.json());
  return settingsPromise;
}

/** The access token of this tab, unless it has expired. */
export function smartToken() {
  const stored = JSON.parse(sessionStorage.getItem(TOKEN) ?? 'null');
  return stored && stored.expiresAt > Date.now() ? stored.accessToken : undefined;
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN);
}

const redirectUri = () => `${location.origin}/`;
const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** The authorization server, from the gateway's SMART discovery. */
async function authorizationServer() {
  const response = await fetch('/fhir/.well-known/smart-configuration', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`SMART discovery failed (HTTP ${response.status})`);
  const discovered = await response.json();
  return {
    issuer: discovered.issuer,
    authorization_endpoint: discovered.authorization_endpoint,
    token_endpoint: discovered.token_endpoint,
    code_challenge_methods_supported: discovered.code_challenge_methods_supported,
  };
}

/** Leaves for the authorization server's sign-in page; it sends the browser back to `/` with a code. */
export async function signIn() {
  const { smart } = await settings();
  const server = await authorizationServer();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: smart.clientId,
    redirect_uri: redirectUri(),
    scope: smart.scope,
    state,
    aud: `${location.origin}/fhir`,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * Back from the authorization server (`?code=&state=` on `/`): checks the
 * state, exchanges the code with the PKCE verifier, keeps the token for this
 * tab and removes the code from the address bar. Nothing to do otherwise.
 */
export async function completeSignIn() {
  const current = new URL(location.href);
  if (!current.searchParams.has('state')) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `/${pending?.hash ?? ''}`);
  if (!pending) throw new Error('SMART sign-in: no sign-in was started in this tab');
  const { smart } = await settings();
  const server = await authorizationServer();
  const client = { client_id: smart.clientId };
  const options = { [oauth.allowInsecureRequests]: isLoopback(server.token_endpoint) };
  const callback = oauth.validateAuthResponse(server, client, current, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    client,
    oauth.None(),
    callback,
    redirectUri(),
    pending.verifier,
    options,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(server, client, response);
  sessionStorage.setItem(
    TOKEN,
    JSON.stringify({ accessToken: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000 }),
  );
}
