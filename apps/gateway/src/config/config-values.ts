/** Value readers shared by the configuration schemas. */

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid gateway configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

export const toInt = ({ value }: { value: unknown }) => (value === undefined ? value : Number(value));

/** https, or http on loopback. */
export function isSecureUrl(value: unknown): boolean {
  try {
    const url = new URL(String(value));
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** A configuration value that holds a JSON object (`{}` when absent). */
export function parseJsonObject(key: string, value: string | undefined, shape: string): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigValidationError([`${key}: must be a JSON object of ${shape}`]);
  }
  return parsed as Record<string, unknown>;
}

/** A JSON object of issuer -> JWK Set URL (https, or http on loopback). */
export function parseIssuerJwksUrls(key: string, value: string | undefined): Record<string, string> {
  const parsed = parseJsonObject(key, value, 'issuer to JWK Set URL');
  const problems: string[] = [];
  const issuers: Record<string, string> = {};
  for (const [issuer, url] of Object.entries(parsed)) {
    if (typeof url === 'string' && isSecureUrl(url)) issuers[issuer] = url;
    else problems.push(`${key}: issuer '${issuer}' needs an https JWK Set URL`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return issuers;
}
