import type { FactoryProvider, Type, ValueProvider } from '@nestjs/common';
import type { FhirAccessPolicy } from './access-policy.interface';

export type InboundCredential = 'api-key' | 'smart' | 'none';

/** Verification of SMART access tokens. */
export interface SmartOptions {
  /** Issuer -> its JWK Set URL. */
  issuers: Record<string, string>;
  /** The `aud` a token must carry (the gateway's FHIR base). */
  audience: string;
  /** Accepted JWS algorithms (never `none` or HMAC). */
  algorithms: string[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. */
  clockSkewSeconds: number;
  /** The claim holding the launch context's patient id. */
  patientClaim: string;
  /** How long after one fetch of a JWK Set an unknown `kid` may fetch it again (ms). */
  jwksCooldownMs?: number;
  /** RFC 7662 introspection of opaque tokens, with the gateway's own client credentials. */
  introspection?: { url: string; clientId: string; clientSecret: string; maxCacheSeconds: number };
  /** The authorization server's endpoints for discovery when the issuer publishes none (or to override them). */
  authorizeUrl?: string;
  tokenUrl?: string;
}

export interface AuthModuleOptions {
  /** The credentials accepted on the FHIR surface. */
  credentials: InboundCredential[];
  apiKeys?: string[];
  smart?: SmartOptions;
  /** `false`: audit-only; every operation goes through, denials are recorded as `would-deny`. Default true. */
  enforce?: boolean;
  /** The status of a read outside the caller's reach: 403, or 404 so that existence is not revealed. Default 403. */
  deniedReadStatus?: 403 | 404;
  /** Message-pattern callers are authenticated by the transport (NATS accounts): no token is asked of them. */
  trustedTransport?: boolean;
  /** The scope a SMART token needs on routes that are no FHIR interaction (operations: events, metrics, docs). Default `system/*.rs`. */
  operationsScope?: string;
}

export type AccessPolicyOption =
  | Type<FhirAccessPolicy>
  | Omit<FactoryProvider<FhirAccessPolicy>, 'provide'>
  | Omit<ValueProvider<FhirAccessPolicy>, 'provide'>;

/** Static options, decided when the module graph is built. */
export interface AuthModuleExtras {
  isGlobal?: boolean;
  /** Replaces the SMART access policy: a class, `{ useFactory, inject }` or `{ useValue }`. */
  accessPolicy?: AccessPolicyOption;
  /**
   * Policies added to the SMART one (or to `accessPolicy`), asked after it in this order: every one must
   * allow, and their search narrowings all apply, so an added policy can only take away.
   */
  accessPolicies?: AccessPolicyOption[];
}
