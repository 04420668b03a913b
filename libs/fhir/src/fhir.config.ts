import {
  ConfigValidationError,
  defineConfigNamespace,
  envBoolean,
  envInteger,
  envJsonObject,
  envRoutePath,
} from '@ehr-gateway/config';
import { z } from 'zod';
import { DEFAULT_LARGE_BODY_SLOTS } from './client/large-body-slots';
import { FHIR_DEFAULTS } from './constants';
import type { FhirModuleOptions } from './interfaces/fhir-module-options.interface';
import { SourceConfigError, resolveSource } from './sources/source-definition';

/**
 * `FHIR_SOURCES` resolved now, so that a bad source stops the boot; messages
 * name the source, never its secret.
 */
function checkSources(sources: Record<string, unknown>, allowInsecureHttp: boolean): Record<string, string> {
  const problems: string[] = [];
  for (const [name, connection] of Object.entries(sources)) {
    if (typeof connection !== 'string') {
      problems.push(`FHIR_SOURCES: source '${name}' must be a connection string`);
      continue;
    }
    try {
      resolveSource(name, connection, allowInsecureHttp);
    } catch (error) {
      if (!(error instanceof SourceConfigError)) throw error;
      problems.push(`FHIR_SOURCES: ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return sources as Record<string, string>;
}

/** `FhirModule` options from the environment (the app adds its in-process `backends`). */
export const fhirConfig = defineConfigNamespace({
  namespace: 'fhir',
  title: 'FHIR gateway (libs/fhir)',
  keys: {
    FHIR_BASE_PATH: envRoutePath()
      .default(FHIR_DEFAULTS.basePath)
      .describe('Route prefix of the FHIR REST surface (`/{FHIR_BASE_PATH}/{source}/...`) and of SMART discovery.'),
    FHIR_SOURCES: envJsonObject()
      .default({})
      .meta({ secret: true })
      .describe(
        'Upstream FHIR servers: a JSON object (a mapping in the YAML file) of source name to connection string (`fhir://host/path?client_id=...&token_url=...`) or base URL.',
      ),
    FHIR_DEFAULT_SOURCE: z
      .string()
      .optional()
      .describe('The source used when a call names none. Default: the embedded store (`local`).'),
    FHIR_ALLOW_INSECURE_HTTP: envBoolean().default(false).describe('Allow `http://` to hosts other than loopback.'),
    FHIR_UPSTREAM_LARGE_BODIES: envInteger(1, 1000)
      .default(DEFAULT_LARGE_BODY_SLOTS)
      .describe(
        'Upstream answers over 1 MiB the gateway buffers and parses at once, all sources together; one more gets 503 with Retry-After. Each source bounds its own answers with `max_response_mb` in its connection string (default 16).',
      ),
    FHIR_EVENTS_INCLUDE_RESOURCE: envBoolean()
      .default(false)
      .describe('Put the resource itself (PHI) in FHIR events; by default events carry references.'),
  },
  values: (keys) =>
    ({
      basePath: keys.FHIR_BASE_PATH,
      sources: checkSources(keys.FHIR_SOURCES, keys.FHIR_ALLOW_INSECURE_HTTP),
      defaultSource: keys.FHIR_DEFAULT_SOURCE,
      allowInsecureHttp: keys.FHIR_ALLOW_INSECURE_HTTP,
      includeResourceInEvents: keys.FHIR_EVENTS_INCLUDE_RESOURCE,
      largeUpstreamBodies: keys.FHIR_UPSTREAM_LARGE_BODIES,
    }) satisfies FhirModuleOptions & { basePath: string },
});
