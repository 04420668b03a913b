import type { Bundle, Resource } from '@medplum/fhirtypes';

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

export interface CdsSource {
  label: string;
  url?: string;
  icon?: string;
  topic?: { system?: string; code?: string; display?: string };
}

export interface CdsAction {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: Resource;
  resourceId?: string[];
}

export interface CdsSuggestion {
  label: string;
  uuid?: string;
  isRecommended?: boolean;
  actions?: CdsAction[];
}

export interface CdsLink {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

export interface CdsCard {
  uuid?: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: CdsSource;
  suggestions?: CdsSuggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Array<{ code?: string; system?: string; display: string }>;
  links?: CdsLink[];
}

export interface CdsResponse {
  cards: CdsCard[];
  systemActions?: CdsAction[];
}

/** The one method a `@CdsService` class implements. */
export interface CdsServiceHandler<Context = Record<string, unknown>> {
  handle(request: CdsRequest<Context>): CdsResponse | Promise<CdsResponse>;
}
