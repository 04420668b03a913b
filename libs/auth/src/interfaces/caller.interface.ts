import type { ClinicalScope } from '../scopes';

/** An authenticated inbound caller, whatever credential it presented. */
export interface Caller {
  /** How it authenticated. */
  credential: 'smart' | 'api-key' | 'trusted-transport';
  /** `fhirUser` or `sub` of a token, an API key's label, a message's `caller`. */
  user?: string;
  clientId?: string;
  /** The patient in context: the id of a SMART launch context's patient. */
  patient?: string;
  /** What the caller may do, in SMART v2 terms. */
  scopes: ClinicalScope[];
  /** Every scope the token granted, as text (for events). */
  grantedScopes: string[];
  purposeOfUse?: string[];
  /** Seconds since the epoch after which the credential is no longer valid. */
  expiresAt?: number;
}
