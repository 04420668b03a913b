export interface CdsJwtOptions {
  /** Verify the client's JWT on every call. Default false (a warning is logged at startup). */
  enabled: boolean;
  /** Issuers allowed to call, each with the JWK Set URL its keys come from (or `jku`s allow-listed below). */
  issuers: Record<string, { jwksUrl?: string }>;
  /** Hosts from which a token's `jku` may be fetched. */
  allowedJkuHosts?: string[];
  /** Clock skew allowed on exp/iat/nbf, seconds. Default 60. */
  clockToleranceSeconds?: number;
  /** Redis URL for the `jti` replay store, shared by every gateway instance. Default: in this process's memory. */
  replayRedisUrl?: string;
}

export interface CdsModuleOptions {
  /** Route prefix. Default `cds-services`. */
  basePath?: string;
  /** Gateway source used for prefetch fetch-on-miss when the request's `fhirServer` is not allow-listed. Default: the default source. */
  prefetchSource?: string;
  /** Hosts whose `fhirServer` the gateway may call with the request's `fhirAuthorization`. */
  allowedFhirServerHosts?: string[];
  /** Time budget for prefetch fetch-on-miss, ms. Default 3000. */
  prefetchTimeoutMs?: number;
  jwt?: CdsJwtOptions;
  /** SQLite file for feedback, or `:memory:`. Default `./data/cds-feedback.sqlite`. */
  feedbackPath?: string;
  /** `false` turns CDS events off. */
  events?: boolean;
}
