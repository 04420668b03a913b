import type { Bundle, Resource } from '@medplum/fhirtypes';
// The response types are the response DTOs: the shape services return is the shape checked and documented.
import type { CdsResponse } from '../dto/cds-response.dto';

/** What `@CdsService` declares and discovery returns. */
export interface CdsServiceDefinition {
  id: string;
  hook: string;
  title?: string;
  description: string;
  /** Prefetch templates by key: `Patient/{{context.patientId}}`, `Observation?patient={{context.patientId}}`. */
  prefetch?: Record<string, string>;
  usageRequirements?: string;
}

export interface FhirAuthorization {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  subject: string;
  patient?: string;
}

/** A validated CDS Hooks request, with the prefetch complete (fetched keys filled in). */
export interface CdsRequest<Context = Record<string, unknown>> {
  hook: string;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: FhirAuthorization;
  context: Context & { userId?: string; patientId?: string; encounterId?: string };
  /** Every declared key: a resource or Bundle, or `null` when the client or the source had nothing. */
  prefetch: Record<string, Resource | Bundle | null>;
}

/** The one method a `@CdsService` class implements. */
export interface CdsServiceHandler<Context = Record<string, unknown>> {
  handle(request: CdsRequest<Context>): CdsResponse | Promise<CdsResponse>;
}
