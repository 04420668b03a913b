/** An access decision as events record it: `would-deny` is a denial that audit-only mode let through. */
export interface AuthorizationDecision {
  decision: 'allow' | 'deny' | 'would-deny';
  /** Why it was denied (never a token or a resource's content). */
  reason?: string;
  /** The scope that would have allowed a denied operation. */
  requiredScope?: string;
}

/** Who asked, from where, within which request: readable anywhere in the request's async flow. */
export interface RequestContext {
  /** The inbound `X-Request-Id`, or one the gateway generated. */
  requestId?: string;
  /** The authenticated caller (an API key label, a CDS client `iss`, a SMART `fhirUser` or `sub`, a microservice caller). */
  user?: string;
  clientIp?: string;
  sessionId?: string;
  /** The OAuth client that holds the caller's access token. */
  clientId?: string;
  /** The patient in context (SMART launch context), as `Patient/{id}`. */
  patient?: string;
  /** The scopes the caller's access token grants. */
  scopes?: string[];
  /** The purposes of use the token names (codes). */
  purposeOfUse?: string[];
  /** The access decision on the current operation. */
  authorization?: AuthorizationDecision;
}

/** The credential an inbound call presented, kept apart from the request context so that it never reaches an event. */
export interface PresentedCredentials {
  transport: 'http' | 'message';
  /** The `Authorization` value (HTTP header, or a message's `authorization` field). */
  authorization?: string;
  /** An `X-API-Key` header. */
  apiKey?: string;
}
