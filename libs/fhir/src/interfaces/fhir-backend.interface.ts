export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** A FHIR REST request relative to a server's base (`Patient/1`, `Observation?code=x`, `` for the root). */
export interface FhirRequest {
  method: HttpMethod;
  path: string;
  /** Lower-case header names: `if-match`, `if-none-exist`, `if-none-match`, `prefer`, `content-type`. */
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FhirResponse {
  status: number;
  /** Lower-case header names: `etag`, `last-modified`, `location`, `content-type`, `retry-after`. */
  headers: Record<string, string>;
  body?: unknown;
}

export interface BackendStatus {
  reachable: boolean;
  auth: 'none' | 'client_secret' | 'private_key_jwt';
  token?: { state: 'none' | 'valid' | 'expired'; expiresAt?: string };
  error?: string;
}

/** Something that answers FHIR REST requests: an upstream server or the embedded store. */
export interface FhirBackend {
  /** The absolute base its links and locations start with; rewritten to the gateway's own. */
  readonly baseUrl: string;
  request(request: FhirRequest): Promise<FhirResponse>;
  status(): Promise<BackendStatus>;
  close?(): Promise<void>;
}
