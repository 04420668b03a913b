import type { HttpMethod } from './fhir-backend.interface';

/** Why an upstream exchange brought no usable answer: no answer in time, no connection, or a body the gateway refused. */
export type UpstreamFailure = 'timeout' | 'unreachable' | 'bad_response';

/**
 * Watches the gateway's traffic with its upstream sources (the gateway's
 * `/metrics` is one): every HTTP exchange, each retry its own, and every call
 * to a source's token endpoint. Gets names, statuses and durations only, never
 * a URL, a token or a body. Must not throw.
 */
export interface UpstreamObserver {
  exchange(source: string, method: HttpMethod, result: number | UpstreamFailure, seconds: number): void;
  tokenRefresh(source: string, outcome: 'success' | 'failure'): void;
}
