/** Who asked, from where, within which request: readable anywhere in the request's async flow. */
export interface RequestContext {
  /** The inbound `X-Request-Id`, or one the gateway generated. */
  requestId?: string;
  /** The authenticated caller (an API key label, a CDS client `iss`, a microservice caller). */
  user?: string;
  clientIp?: string;
  sessionId?: string;
}
