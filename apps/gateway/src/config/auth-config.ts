import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import type { AuthModuleOptions, InboundCredential } from '@ehr-gateway/auth';
import { ConfigValidationError, isSecureUrl, parseIssuerJwksUrls, toBoolean, toInt, toList } from './config-values';

// Inbound authorization (issue 13): its own keys, read beside the gateway's.

const CREDENTIALS = ['api-key', 'smart', 'none'] as const;
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

class AuthEnvironment {
  @IsOptional()
  @Transform(toList)
  @IsIn(CREDENTIALS, { each: true, message: 'GATEWAY_AUTH: each entry must be api-key, smart or none' })
  GATEWAY_AUTH?: InboundCredential[];

  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: 'GATEWAY_PUBLIC_URL must be an absolute http(s) URL' })
  GATEWAY_PUBLIC_URL?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  GATEWAY_AUTH_ENFORCE?: boolean;

  /** JSON object of issuer -> JWK Set URL. */
  @IsOptional()
  @IsString()
  SMART_ISSUERS?: string;

  @IsOptional()
  @IsString()
  SMART_AUDIENCE?: string;

  @IsOptional()
  @Transform(toList)
  @IsIn(ALGORITHMS, { each: true, message: 'SMART_ALGORITHMS: only asymmetric JWS algorithms (never none or HMAC)' })
  SMART_ALGORITHMS?: string[];

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  SMART_CLOCK_SKEW_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  SMART_JWKS_COOLDOWN_SECONDS?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_:.-]{1,64}$/, { message: 'SMART_PATIENT_CLAIM must be a claim name' })
  SMART_PATIENT_CLAIM?: string;

  @IsOptional()
  @IsString()
  SMART_INTROSPECTION_URL?: string;

  @IsOptional()
  @IsString()
  SMART_INTROSPECTION_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  SMART_INTROSPECTION_CLIENT_SECRET?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  SMART_INTROSPECTION_CACHE_SECONDS?: number;

  @IsOptional()
  @IsString()
  SMART_AUTHORIZE_URL?: string;

  @IsOptional()
  @IsString()
  SMART_TOKEN_URL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsIn([403, 404])
  SMART_DENIED_READ_STATUS?: 403 | 404;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  GATEWAY_TRANSPORT_TRUSTED?: boolean;
}

export const AUTH_CONFIG_KEYS = [
  'GATEWAY_AUTH',
  'GATEWAY_PUBLIC_URL',
  'GATEWAY_AUTH_ENFORCE',
  'SMART_ISSUERS',
  'SMART_AUDIENCE',
  'SMART_ALGORITHMS',
  'SMART_CLOCK_SKEW_SECONDS',
  'SMART_JWKS_COOLDOWN_SECONDS',
  'SMART_PATIENT_CLAIM',
  'SMART_INTROSPECTION_URL',
  'SMART_INTROSPECTION_CLIENT_ID',
  'SMART_INTROSPECTION_CLIENT_SECRET',
  'SMART_INTROSPECTION_CACHE_SECONDS',
  'SMART_AUTHORIZE_URL',
  'SMART_TOKEN_URL',
  'SMART_DENIED_READ_STATUS',
  'GATEWAY_TRANSPORT_TRUSTED',
] as const satisfies Array<keyof AuthEnvironment>;

/** Keys whose values never appear in an error message. */
export const AUTH_SECRET_KEYS = ['SMART_INTROSPECTION_CLIENT_SECRET'];

/**
 * The inbound authorization options from the raw configuration, or the problems
 * found (each naming its key). `GATEWAY_AUTH` defaults to `api-key` when API
 * keys are configured, else `none`.
 */
export function loadAuthConfig(
  raw: Record<string, unknown>,
  context: { apiKeys: string[]; port: number },
): { auth: AuthModuleOptions; problems: string[] } {
  const parsed = plainToInstance(AuthEnvironment, raw);
  const problems = validateSync(parsed, { forbidUnknownValues: false }).map((error) => {
    const shown = AUTH_SECRET_KEYS.includes(error.property) ? '<redacted>' : JSON.stringify(raw[error.property]);
    return `${error.property}=${shown}: ${Object.values(error.constraints ?? {}).join('; ')}`;
  });
  const credentials = parsed.GATEWAY_AUTH ?? [context.apiKeys.length > 0 ? 'api-key' : 'none'];
  const auth: AuthModuleOptions = {
    credentials,
    apiKeys: context.apiKeys,
    enforce: parsed.GATEWAY_AUTH_ENFORCE ?? true,
    deniedReadStatus: parsed.SMART_DENIED_READ_STATUS ?? 403,
    trustedTransport: parsed.GATEWAY_TRANSPORT_TRUSTED ?? false,
  };
  if (problems.length > 0) return { auth, problems };
  if (credentials.includes('none') && credentials.length > 1) {
    problems.push('GATEWAY_AUTH: none cannot be combined with other credentials');
  }
  if (credentials.includes('api-key') && context.apiKeys.length === 0) {
    problems.push('GATEWAY_AUTH=api-key: GATEWAY_API_KEYS must list at least one key');
  }
  if (credentials.includes('smart')) {
    let issuers: Record<string, string> = {};
    try {
      issuers = parseIssuerJwksUrls('SMART_ISSUERS', parsed.SMART_ISSUERS);
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      problems.push(...error.problems);
    }
    const introspectionUrl = parsed.SMART_INTROSPECTION_URL;
    if (introspectionUrl !== undefined) {
      if (!isSecureUrl(introspectionUrl)) problems.push('SMART_INTROSPECTION_URL: must be https (or http on loopback)');
      if (!parsed.SMART_INTROSPECTION_CLIENT_ID || !parsed.SMART_INTROSPECTION_CLIENT_SECRET) {
        problems.push(
          'SMART_INTROSPECTION_URL: needs SMART_INTROSPECTION_CLIENT_ID and SMART_INTROSPECTION_CLIENT_SECRET',
        );
      }
    }
    if (Object.keys(issuers).length === 0 && introspectionUrl === undefined) {
      problems.push('GATEWAY_AUTH=smart: SMART_ISSUERS or SMART_INTROSPECTION_URL must name where tokens come from');
    }
    const publicUrl = parsed.GATEWAY_PUBLIC_URL?.replace(/\/+$/, '');
    auth.smart = {
      issuers,
      audience: parsed.SMART_AUDIENCE ?? `${publicUrl ?? `http://localhost:${context.port}`}/fhir`,
      algorithms: parsed.SMART_ALGORITHMS ?? ['RS256', 'RS384', 'ES256', 'ES384'],
      clockSkewSeconds: parsed.SMART_CLOCK_SKEW_SECONDS ?? 30,
      jwksCooldownMs: (parsed.SMART_JWKS_COOLDOWN_SECONDS ?? 30) * 1000,
      patientClaim: parsed.SMART_PATIENT_CLAIM ?? 'patient',
      introspection:
        introspectionUrl === undefined
          ? undefined
          : {
              url: introspectionUrl,
              clientId: parsed.SMART_INTROSPECTION_CLIENT_ID ?? '',
              clientSecret: parsed.SMART_INTROSPECTION_CLIENT_SECRET ?? '',
              maxCacheSeconds: parsed.SMART_INTROSPECTION_CACHE_SECONDS ?? 300,
            },
      authorizeUrl: parsed.SMART_AUTHORIZE_URL,
      tokenUrl: parsed.SMART_TOKEN_URL,
    };
  }
  return { auth, problems };
}
