import { loadConfig } from '@ehr-gateway/config';
import { authConfig } from './auth.config';

const load = (env: Record<string, string>) => loadConfig([authConfig], env).auth;
const ISSUERS = JSON.stringify({ 'https://auth.example.org': 'https://auth.example.org/jwks' });

describe('authConfig', () => {
  it('reads the SMART settings when tokens have a source', () => {
    const auth = load({ SMART_ISSUERS: ISSUERS, SMART_AUDIENCE: 'https://gw.example.org/fhir' });
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
    expect(load({}).smart).toBeUndefined();
  });

  it('refuses HMAC and none algorithms, insecure JWK Set URLs, introspection without client credentials', () => {
    for (const algorithm of ['HS256', 'none']) {
      expect(() => load({ SMART_ALGORITHMS: `RS256,${algorithm}` })).toThrow(/SMART_ALGORITHMS/);
    }
    expect(() => load({ SMART_ISSUERS: '{"https://a.example": "http://a.example/jwks"}' })).toThrow(
      /issuer 'https:\/\/a.example' needs an https JWK Set URL/,
    );
    expect(() => load({ SMART_INTROSPECTION_URL: 'https://auth.example.org/introspect' })).toThrow(
      /SMART_INTROSPECTION_CLIENT_ID and SMART_INTROSPECTION_CLIENT_SECRET/,
    );
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
