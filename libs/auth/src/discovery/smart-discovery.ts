import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CapabilityStatementRestSecurity } from '@medplum/fhirtypes';
import { AUTH_MODULE_OPTIONS } from '../auth.module-definition';
import type { AuthModuleOptions } from '../interfaces/auth-module-options.interface';

/** What an authorization server publishes at `/.well-known/openid-configuration` (the fields discovery passes on). */
interface ServerMetadata {
  issuer?: string;
  jwks_uri?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  registration_endpoint?: string;
  scopes_supported?: string[];
  grant_types_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  token_endpoint_auth_signing_alg_values_supported?: string[];
  code_challenge_methods_supported?: string[];
}

const METADATA_TIMEOUT_MS = 3_000;
const METADATA_TTL_MS = 5 * 60_000;
const OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';

/** What this resource server enforces, in the SMART capability vocabulary. */
const CAPABILITIES = [
  'launch-standalone',
  'client-public',
  'client-confidential-symmetric',
  'client-confidential-asymmetric',
  'context-standalone-patient',
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
];

const SCOPES_SUPPORTED = [
  'openid',
  'fhirUser',
  'launch/patient',
  'offline_access',
  'patient/*.cruds',
  'user/*.cruds',
  'system/*.cruds',
  'patient/*.read',
  'user/*.read',
  'system/*.read',
];

/**
 * SMART App Launch discovery (`.well-known/smart-configuration`) and the
 * CapabilityStatement's `security` element, from the configured authorization
 * server: its endpoints are read from the issuer's OpenID configuration (cached
 * a few minutes), or taken from the configuration.
 */
@Injectable()
export class SmartDiscovery {
  private readonly logger = new Logger(SmartDiscovery.name);
  private metadata?: { value: ServerMetadata; fetchedAt: number };

  constructor(@Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions) {}

  get enabled(): boolean {
    return this.options.smart !== undefined && this.options.credentials.includes('smart');
  }

  async configuration(): Promise<Record<string, unknown>> {
    const smart = this.options.smart!;
    const [issuer, jwksUrl] = Object.entries(smart.issuers)[0] ?? [];
    const server = issuer ? await this.serverMetadata(issuer) : {};
    return {
      issuer: server.issuer ?? issuer,
      jwks_uri: server.jwks_uri ?? jwksUrl,
      authorization_endpoint: smart.authorizeUrl ?? server.authorization_endpoint,
      token_endpoint: smart.tokenUrl ?? server.token_endpoint,
      introspection_endpoint: smart.introspection?.url ?? server.introspection_endpoint,
      revocation_endpoint: server.revocation_endpoint,
      registration_endpoint: server.registration_endpoint,
      grant_types_supported: server.grant_types_supported ?? ['authorization_code', 'client_credentials'],
      token_endpoint_auth_methods_supported: server.token_endpoint_auth_methods_supported,
      token_endpoint_auth_signing_alg_values_supported: server.token_endpoint_auth_signing_alg_values_supported,
      scopes_supported: server.scopes_supported ?? SCOPES_SUPPORTED,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      capabilities: CAPABILITIES,
    };
  }

  /** `CapabilityStatement.rest.security`: the SMART service coding and the `oauth-uris` extension. */
  async security(): Promise<CapabilityStatementRestSecurity> {
    const configuration = await this.configuration();
    const uris = (['authorize', 'token', 'introspect', 'revoke', 'register'] as const)
      .map((url, index) => ({
        url,
        valueUri: [
          configuration.authorization_endpoint,
          configuration.token_endpoint,
          configuration.introspection_endpoint,
          configuration.revocation_endpoint,
          configuration.registration_endpoint,
        ][index] as string | undefined,
      }))
      .filter((uri) => uri.valueUri !== undefined);
    return {
      cors: true,
      service: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
              code: 'SMART-on-FHIR',
            },
          ],
          text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
        },
      ],
      extension: [{ url: OAUTH_URIS, extension: uris }],
    };
  }

  private async serverMetadata(issuer: string): Promise<ServerMetadata> {
    if (this.metadata && Date.now() - this.metadata.fetchedAt < METADATA_TTL_MS) return this.metadata.value;
    try {
      const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(METADATA_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.metadata = { value: (await response.json()) as ServerMetadata, fetchedAt: Date.now() };
      return this.metadata.value;
    } catch (error) {
      this.logger.warn(`The authorization server's OpenID configuration is unavailable: ${(error as Error).message}`);
      return {};
    }
  }
}
