import type { SourceConfig } from '../sources/source-definition';
import type { FhirAccessControl } from './fhir-access-control.interface';
import type { FhirBackend } from './fhir-backend.interface';
import type { UpstreamObserver } from './upstream-observer.interface';

export interface FhirModuleOptions {
  /** Upstream FHIR servers by name: connection strings or objects. */
  sources?: Record<string, SourceConfig>;
  /** In-process backends by name (the embedded store registers itself here as `local`). */
  backends?: Record<string, FhirBackend>;
  /** The source used when none is named; default: the first backend, else the first source. */
  defaultSource?: string;
  /** Allow `http://` to hosts other than loopback. Default false. */
  allowInsecureHttp?: boolean;
  /** Put the resource itself in events. Default false: events carry references, not PHI. */
  includeResourceInEvents?: boolean;
  /** `false` turns this module's events off. Default true. */
  events?: boolean;
  /** Upstream answers over 1 MiB held (buffered and parsed) at once, all sources together; more get 503. Default 2. */
  largeUpstreamBodies?: number;
  /** Upper bound on pages fetched when a search follows `next` links. Default 10. */
  maxSearchPages?: number;
  /** Inbound authorization of every operation (`@ehr-gateway/auth`); absent: every operation is allowed. */
  accessControl?: FhirAccessControl;
  /** Told of every upstream exchange and token refresh (metrics). */
  upstreamObserver?: UpstreamObserver;
}
