import { loadConfig } from '@ehr-gateway/config';
import { authConfig } from './auth.config';

const load = (env: Record<string, string>) => loadConfig([authConfig], env).auth;
const ISSUERS = JSON.stringify({ 'https://auth.example.org': 'https://auth.example.org/jwks' });

describe('authConfig', () => {
  it('reads the SMART settings, the audience defaulting to the public URL’s /fhir', () => {
    const auth = load({
      GATEWAY_AUTH: 'smart,api-key',
      GATEWAY_PUBLIC_URL: 'https://gw.example.org/',
      SMART_ISSUERS: ISSUERS,
    });
    expect(auth.credentials).toEqual(['smart', 'api-key']);
    expect(auth.smart).toEqual({
      issuers: { 'https://auth.example.org': 'https://auth.example.org/jwks' },
      audience: 'https://gw.example.org/fhir',
      algorithms: ['RS256', 'RS384', 'ES256', 'ES384'],
      clockSkewSeconds: 30,
      jwksCooldownMs: 30_000,
      patientClaim: 'patient',
      introspection: undefined,
      authorizeUrl: undefined,
      tokenUrl: undefined,
    });
  });

  it('refuses SMART without issuers or audience, HMAC and none algorithms, none beside other credentials', () => {
    expect(() => load({ GATEWAY_AUTH: 'smart', SMART_AUDIENCE: 'x' })).toThrow(
      /SMART_ISSUERS or SMART_INTROSPECTION_URL/,
    );
    expect(() => load({ GATEWAY_AUTH: 'smart', SMART_ISSUERS: ISSUERS })).toThrow(
      /SMART_AUDIENCE or GATEWAY_PUBLIC_URL/,
    );
    for (const algorithm of ['HS256', 'none']) {
      expect(() => load({ SMART_ALGORITHMS: `RS256,${algorithm}` })).toThrow(/SMART_ALGORITHMS/);
    }
    expect(() => load({ GATEWAY_AUTH: 'none,smart' })).toThrow(/none cannot be combined/);
    expect(() =>
      load({
        GATEWAY_AUTH: 'smart',
        SMART_AUDIENCE: 'x',
        SMART_ISSUERS: '{"https://a.example": "http://a.example/jwks"}',
      }),
    ).toThrow(/issuer 'https:\/\/a.example' needs an https JWK Set URL/);
  });

  it('keeps the introspection secret out of error messages', () => {
    expect(() =>
      load({
        GATEWAY_AUTH: 'smart',
        SMART_AUDIENCE: 'x',
        SMART_INTROSPECTION_URL: 'ftp://x',
        SMART_INTROSPECTION_CLIENT_SECRET: 's3cr3t-value',
      }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cr3t-value') }));
  });
});
