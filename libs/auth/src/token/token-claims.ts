import type { Caller } from '../interfaces/caller.interface';
import { parseScopes } from '../scopes';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const list = (value: unknown): string[] | undefined => {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return undefined;
};

/**
 * The caller a verified token (JWT claims or an RFC 7662 introspection answer)
 * describes: scopes from `scope` (or `scp`), the client from `client_id` (or
 * `azp`), the user from `fhirUser` (or `sub`), the patient from the configured
 * claim, purposes of use from `purpose_of_use`.
 */
export function callerFromClaims(claims: Record<string, unknown>, patientClaim: string): Caller {
  const grantedScopes = list(claims.scope) ?? list(claims.scp) ?? [];
  const patient = Object.hasOwn(claims, patientClaim) ? text(claims[patientClaim]) : undefined;
  return {
    credential: 'smart',
    user: text(claims.fhirUser) ?? text(claims.sub),
    clientId: text(claims.client_id) ?? text(claims.azp),
    patient: patient?.replace(/^Patient\//, ''),
    scopes: parseScopes(grantedScopes.join(' ')),
    grantedScopes,
    purposeOfUse: list(claims.purpose_of_use),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}
