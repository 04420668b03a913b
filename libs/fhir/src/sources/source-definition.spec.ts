import { resolveSource } from './source-definition';

describe('resolveSource', () => {
  it("reads HealthChain's fhir:// connection string as an https source with client credentials", () => {
    expect(
      resolveSource(
        'epic',
        'fhir://fhir.epic.example.org:8443/api/FHIR/R4?client_id=abc&client_secret=xyz&token_url=https%3A%2F%2Ffhir.epic.example.org%2Foauth2%2Ftoken&scope=system%2F*.read&timeout=15&verify_ssl=false',
      ),
    ).toEqual({
      name: 'epic',
      baseUrl: 'https://fhir.epic.example.org:8443/api/FHIR/R4',
      auth: {
        type: 'client_secret',
        clientId: 'abc',
        clientSecret: 'xyz',
        tokenUrl: 'https://fhir.epic.example.org/oauth2/token',
        scope: 'system/*.read',
        audience: undefined,
      },
      timeoutMs: 15_000,
      maxRetries: 2,
      verifySsl: false,
      maxResponseBytes: 16_777_216,
    });
    expect(resolveSource('f', 'https://x.example/fhir?max_response_mb=4').maxResponseBytes).toBe(4_194_304);
  });

  it('accepts https anywhere, http on loopback, and http elsewhere only when allowed', () => {
    expect(resolveSource('a', 'https://hapi.example.org/fhir/').baseUrl).toBe('https://hapi.example.org/fhir');
    expect(resolveSource('b', 'http://localhost:8080/fhir').auth).toEqual({ type: 'none' });
    expect(() => resolveSource('c', 'http://hapi.example.org/fhir')).toThrow(/loopback/);
    expect(resolveSource('c', 'http://hapi.example.org/fhir', true).baseUrl).toBe('http://hapi.example.org/fhir');
    expect(() => resolveSource('d', 'ftp://hapi.example.org/fhir')).toThrow(/unsupported scheme ftp:/);
  });

  it('refuses reserved and malformed names, and incomplete credentials', () => {
    for (const name of ['metadata', 'status', 'transform', 'aggregate']) {
      expect(() => resolveSource(name, 'https://x.example/fhir')).toThrow(/is reserved/);
    }
    expect(() => resolveSource('bad name', 'https://x.example/fhir')).toThrow(/must be 1-64 letters/);
    expect(() => resolveSource('e', 'fhir://x.example/fhir?client_id=abc&token_url=https://x.example/token')).toThrow(
      /client_id needs client_secret/,
    );
    expect(() =>
      resolveSource(
        'e',
        'fhir://x.example/fhir?client_id=abc&use_jwt_assertion=true&private_key_path=/nonexistent.pem&token_url=https://x.example/token',
      ),
    ).toThrow(/cannot read private key file \/nonexistent.pem \(ENOENT\)/);
  });
});
