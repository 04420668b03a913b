import { FhirError, operationOutcome } from '@ehr-gateway/fhir';

/** Why an operation (or one bundle entry) may not run, and the status it answers with. */
export interface Denial {
  status: 401 | 403 | 404;
  reason: string;
  requiredScope?: string;
}

const REALM = 'realm="ehr-gateway"';

/**
 * The answer to a denial: 401 with `WWW-Authenticate: Bearer` (RFC 6750:
 * `error="invalid_token"` when a token was presented and refused, no error code
 * when none was presented); 403 OperationOutcome naming the scope that would
 * have allowed it; 404 when existence must not be revealed.
 */
export function denialError(denial: Denial, tokenPresented = true): FhirError {
  if (denial.status === 401) {
    const challenge = tokenPresented
      ? `Bearer ${REALM}, error="invalid_token", error_description="${denial.reason}"`
      : `Bearer ${REALM}`;
    return new FhirError(401, operationOutcome('login', denial.reason), { 'www-authenticate': challenge });
  }
  if (denial.status === 404) return new FhirError(404, operationOutcome('not-found', 'Resource not found'));
  const scope = denial.requiredScope ? `; the scope ${denial.requiredScope} would allow it` : '';
  const challenge = `Bearer ${REALM}, error="insufficient_scope"${denial.requiredScope ? `, scope="${denial.requiredScope}"` : ''}`;
  return new FhirError(403, operationOutcome('forbidden', `Access denied: ${denial.reason}${scope}`), {
    'www-authenticate': challenge,
  });
}
