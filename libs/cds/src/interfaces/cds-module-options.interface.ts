/** A CDS client allowed to call: where its keys are, and which `jku` hosts it may name instead. */
export interface CdsJwtIssuer {
  /** The issuer's JWK Set URL (https, or http on loopback). */
  jwksUrl: string;
  /** Hosts (`host[:port]`) a token of this issuer may name in `jku`; any other `jku` is ignored (never fetched). */
  jkuHosts?: string[];
}

export interface CdsJwtOptions {
  /** Verify the client's JWT on every call. Default false (a warning is logged at startup). */
  enabled: boolean;
  /** Issuers allowed to call, by `iss`. */
  issuers: Record<string, CdsJwtIssuer>;
  /** Clock skew allowed on exp/iat/nbf, seconds. Default 60. */
  clockToleranceSeconds?: number;
  /** Longest lifetime (`exp - iat`) a token may have, seconds. Default 300 (the CDS Hooks recommendation). */
  maxLifetimeSeconds?: number;
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
