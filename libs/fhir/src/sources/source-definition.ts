import { readFileSync } from 'node:fs';
import { isHttpsOrLoopbackHttp } from '@ehr-gateway/config';
import { RESERVED_SOURCE_NAMES } from '../constants';

export type SourceAuth =
  | { type: 'none' }
  | {
      type: 'client_secret';
      clientId: string;
      clientSecret: string;
      tokenUrl: string;
      scope?: string;
      audience?: string;
    }
  | {
      type: 'private_key_jwt';
      clientId: string;
      /** PEM (PKCS#8) private key; RSA keys sign RS384, EC keys ES384. */
      privateKey: string;
      keyId?: string;
      tokenUrl: string;
      scope?: string;
      audience?: string;
    };

/** A named upstream FHIR server, resolved and validated. */
export interface SourceDefinition {
  name: string;
  baseUrl: string;
  auth: SourceAuth;
  timeoutMs: number;
  /** Retries of idempotent requests on 429/502/503/504. */
  maxRetries: number;
  verifySsl: boolean;
  /** Largest response body accepted from this source, bytes; a larger one is a 502. */
  maxResponseBytes: number;
}

/** A source as configured: a connection string or an object. */
export type SourceConfig =
  string | ({ baseUrl: string } & Partial<Omit<SourceDefinition, 'name' | 'baseUrl' | 'auth'>> & { auth?: SourceAuth });

export class SourceConfigError extends Error {}

const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MIB = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 2;
/** Default `max_response_mb`: a page of a search, not a bulk export (FHIR Bulk Data is the way for those). */
export const DEFAULT_MAX_RESPONSE_MB = 16;

export function validateSourceName(name: string): void {
  if (!SOURCE_NAME.test(name)) {
    throw new SourceConfigError(`FHIR source name '${name}' must be 1-64 letters, digits, '-' or '_'`);
  }
  if (RESERVED_SOURCE_NAMES.includes(name)) {
    throw new SourceConfigError(`FHIR source name '${name}' is reserved (${RESERVED_SOURCE_NAMES.join(', ')})`);
  }
}

function checkScheme(name: string, url: URL, allowInsecureHttp: boolean): void {
  if (isHttpsOrLoopbackHttp(url) || (url.protocol === 'http:' && allowInsecureHttp)) return;
  throw new SourceConfigError(
    url.protocol === 'http:'
      ? `FHIR source '${name}': http:// is allowed only for loopback hosts unless allowInsecureHttp is set`
      : `FHIR source '${name}': unsupported scheme ${url.protocol} (use https://, http:// or fhir://)`,
  );
}

/** The token endpoint receives the client secret or assertion: https, or http on loopback (elsewhere only when allowed). */
function checkTokenUrl(name: string, value: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SourceConfigError(`FHIR source '${name}': token_url is not a URL`);
  }
  if (isHttpsOrLoopbackHttp(url) || (url.protocol === 'http:' && allowInsecureHttp)) return url.toString();
  throw new SourceConfigError(
    url.protocol === 'http:'
      ? `FHIR source '${name}': token_url may use http:// only for loopback hosts unless allowInsecureHttp is set`
      : `FHIR source '${name}': token_url has an unsupported scheme ${url.protocol} (use https://)`,
  );
}

function positiveInt(name: string, key: string, value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new SourceConfigError(`FHIR source '${name}': ${key} must be a whole number`);
  return parsed;
}

function readPrivateKey(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new SourceConfigError(
      `FHIR source '${name}': cannot read private key file ${path} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

/**
 * HealthChain's connection string:
 * `fhir://host[:port]/path?client_id=&client_secret=&token_url=&scope=&audience=&key_id=&timeout=&verify_ssl=&use_jwt_assertion=&max_response_mb=`.
 * `fhir://` means https; with `use_jwt_assertion=true`, `client_secret` (or `private_key_path`) names a PEM key file.
 * Plain `https://` (and loopback `http://`) base URLs are accepted too, with the same query options.
 */
function parseConnectionString(name: string, value: string, allowInsecureHttp: boolean): SourceDefinition {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SourceConfigError(`FHIR source '${name}': not a URL or fhir:// connection string`);
  }
  const params = url.searchParams;
  const option = (key: string) => params.get(key);
  const base = new URL(url.toString());
  if (url.protocol === 'fhir:') {
    base.href = `https://${url.host}${url.pathname}`;
  } else {
    checkScheme(name, url, allowInsecureHttp);
    base.search = '';
  }
  for (const key of [...params.keys()]) base.searchParams.delete(key);

  const clientId = option('client_id');
  const tokenUrl = option('token_url') && checkTokenUrl(name, option('token_url')!, allowInsecureHttp);
  let auth: SourceAuth = { type: 'none' };
  if (clientId) {
    if (!tokenUrl) throw new SourceConfigError(`FHIR source '${name}': client_id needs token_url`);
    const scope = option('scope') ?? undefined;
    const audience = option('audience') ?? undefined;
    if (option('use_jwt_assertion') === 'true') {
      const keyPath = option('private_key_path') ?? option('client_secret');
      if (!keyPath) throw new SourceConfigError(`FHIR source '${name}': JWT assertion needs private_key_path`);
      auth = {
        type: 'private_key_jwt',
        clientId,
        tokenUrl,
        scope,
        audience,
        keyId: option('key_id') ?? undefined,
        privateKey: readPrivateKey(name, keyPath),
      };
    } else {
      const clientSecret = option('client_secret');
      if (!clientSecret) throw new SourceConfigError(`FHIR source '${name}': client_id needs client_secret`);
      auth = { type: 'client_secret', clientId, clientSecret, tokenUrl, scope, audience };
    }
  }
  const timeoutSeconds = positiveInt(name, 'timeout', option('timeout'), DEFAULT_TIMEOUT_MS / 1000);
  return {
    name,
    baseUrl: base.toString().replace(/\/+$/, ''),
    auth,
    timeoutMs: timeoutSeconds * 1000,
    maxRetries: positiveInt(name, 'max_retries', option('max_retries'), DEFAULT_RETRIES),
    verifySsl: option('verify_ssl') !== 'false',
    maxResponseBytes: positiveInt(name, 'max_response_mb', option('max_response_mb'), DEFAULT_MAX_RESPONSE_MB) * MIB,
  };
}

/** Resolves and validates one configured source; throws `SourceConfigError` naming the source and the problem. */
export function resolveSource(name: string, config: SourceConfig, allowInsecureHttp = false): SourceDefinition {
  validateSourceName(name);
  if (typeof config === 'string') return parseConnectionString(name, config, allowInsecureHttp);
  const definition = parseConnectionString(name, config.baseUrl, allowInsecureHttp);
  const auth = config.auth ?? definition.auth;
  if (auth.type !== 'none') checkTokenUrl(name, auth.tokenUrl, allowInsecureHttp);
  return {
    ...definition,
    auth,
    timeoutMs: config.timeoutMs ?? definition.timeoutMs,
    maxRetries: config.maxRetries ?? definition.maxRetries,
    verifySsl: config.verifySsl ?? definition.verifySsl,
    maxResponseBytes: config.maxResponseBytes ?? definition.maxResponseBytes,
  };
}
