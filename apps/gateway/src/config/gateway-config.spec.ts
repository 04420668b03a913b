import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '@ehr-gateway/config';
import { authOptions, loadGatewayConfig } from './gateway-config';

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'gateway-config-')), 'gateway.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadGatewayConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    expect(loadGatewayConfig({})).toEqual({
      gateway: {
        port: 3000,
        host: '0.0.0.0',
        environment: 'development',
        logLevel: 'debug',
        auth: ['none'],
        apiKeys: [],
        publicUrl: undefined,
        trustProxy: undefined,
        docs: 'guarded',
        corsOrigins: [],
        bodyLimit: '1mb',
        jsonMaxDepth: 100,
        transport: undefined,
        rateLimit: { requests: 0, windowSeconds: 60 },
        healthMaxRssBytes: 1536 * 1024 ** 2,
        healthReadyCacheMs: 5000,
      },
      events: { deliveryMode: 'async', enabled: true },
      broker: {
        url: undefined,
        stream: 'EHR_EVENTS',
        subjectPrefix: 'ehr',
        outboxPath: './data/events-outbox.sqlite',
        outboxCapacity: 100_000,
        maxAgeSeconds: 604_800,
        includeResource: false,
        manageStream: false,
      },
      fhir: {
        basePath: 'fhir',
        sources: {},
        defaultSource: undefined,
        allowInsecureHttp: false,
        includeResourceInEvents: false,
        largeUpstreamBodies: 2,
      },
      fhirStore: {
        path: './data/fhir-store.sqlite',
        seedPatients: 100,
        maxBundleEntries: 1000,
        searchBudgetMs: 10_000,
        searchWorkers: 2,
      },
      cds: {
        basePath: 'cds-services',
        jwt: { enabled: false, issuers: {}, maxLifetimeSeconds: 300, replayRedisUrl: undefined },
        allowedFhirServerHosts: [],
        prefetchSource: undefined,
        prefetchTimeoutMs: 3000,
        feedbackPath: './data/cds-feedback.sqlite',
      },
      notereader: {
        path: 'notereader',
        handlerErrors: 'fault',
        maxDocumentBytes: 5_242_880,
        credentials: undefined,
        workerThresholdBytes: 65_536,
        workerThreads: 2,
        workerTimeoutMs: 30_000,
      },
      console: { enabled: true, replayEvents: 1000, smartClientId: undefined, smartScope: 'user/*.rs' },
      auth: {
        smart: undefined,
        enforce: true,
        deniedReadStatus: 403,
        trustedTransport: false,
        operationsScope: 'system/*.rs',
      },
    });
  });

  it('GATEWAY_AUTH=smart needs token issuers and an audience; the audience defaults to the public URL’s /fhir', () => {
    expect(() => loadGatewayConfig({ GATEWAY_AUTH: 'smart' })).toThrow(/SMART_ISSUERS or SMART_INTROSPECTION_URL/);
    const issuers = JSON.stringify({ 'https://auth.example.org': 'https://auth.example.org/jwks' });
    expect(() => loadGatewayConfig({ GATEWAY_AUTH: 'smart', SMART_ISSUERS: issuers })).toThrow(
      /SMART_AUDIENCE or GATEWAY_PUBLIC_URL/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_AUTH: 'none,smart' })).toThrow(/none cannot be combined/);
    const config = loadGatewayConfig({
      GATEWAY_AUTH: 'api-key,smart',
      GATEWAY_API_KEYS: 'k'.repeat(16),
      GATEWAY_PUBLIC_URL: 'https://gateway.example.org/',
      SMART_ISSUERS: issuers,
    });
    expect(authOptions(config)).toMatchObject({
      credentials: ['api-key', 'smart'],
      apiKeys: ['k'.repeat(16)],
      smart: { audience: 'https://gateway.example.org/fhir' },
    });
  });

  it('refuses JWT verification without an allow-listed issuer, and non-https JWK Set URLs', () => {
    expect(() => loadGatewayConfig({ CDS_JWT_ENABLED: 'true' })).toThrow(
      /CDS_JWT_ISSUERS must allow-list at least one issuer/,
    );
    expect(() =>
      loadGatewayConfig({
        CDS_JWT_ENABLED: 'true',
        CDS_JWT_ISSUERS: JSON.stringify({ ehr: 'http://ehr.example.org/jwks' }),
      }),
    ).toThrow(/issuer 'ehr' needs an https JWK Set URL/);
    expect(
      loadGatewayConfig({
        CDS_JWT_ENABLED: 'true',
        CDS_JWT_ISSUERS: JSON.stringify({ ehr: 'https://ehr.example.org/jwks' }),
      }).cds.jwt,
    ).toEqual({
      enabled: true,
      issuers: { ehr: { jwksUrl: 'https://ehr.example.org/jwks' } },
      maxLifetimeSeconds: 300,
      replayRedisUrl: undefined,
    });
    expect(
      loadGatewayConfig({
        CDS_JWT_ISSUERS: JSON.stringify({
          sandbox: { jwksUrl: 'https://sandbox.example/jwks', jkuHosts: ['keys.sandbox.example'] },
        }),
      }).cds.jwt.issuers,
    ).toEqual({ sandbox: { jwksUrl: 'https://sandbox.example/jwks', jkuHosts: ['keys.sandbox.example'] } });
  });

  it('validates FHIR sources at boot, naming the source and never its secret', () => {
    const sources = (value: Record<string, string>) => ({ FHIR_SOURCES: JSON.stringify(value) });
    expect(loadGatewayConfig(sources({ epic: 'fhir://epic.example.org/api/FHIR/R4' })).fhir.sources).toEqual({
      epic: 'fhir://epic.example.org/api/FHIR/R4',
    });
    expect(() => loadGatewayConfig(sources({ metadata: 'https://x.example/fhir' }))).toThrow(/'metadata' is reserved/);
    expect(() => loadGatewayConfig(sources({ local: 'https://x.example/fhir' }))).toThrow(/embedded store's name/);
    expect(() => loadGatewayConfig(sources({ lab: 'http://lab.example.org/fhir' }))).toThrow(
      /source 'lab': http:\/\/ is allowed only for loopback hosts/,
    );
    expect(() =>
      loadGatewayConfig(sources({ epic: 'fhir://epic.example.org/R4?client_id=app&client_secret=s3cr3t-value' })),
    ).toThrow(/source 'epic': client_id needs token_url/);
    expect(() =>
      loadGatewayConfig(sources({ epic: 'fhir://epic.example.org/R4?client_id=app&client_secret=s3cr3t-value' })),
    ).not.toThrow(/s3cr3t/);
    expect(() => loadGatewayConfig({ FHIR_SOURCES: '{not json' })).toThrow(
      /FHIR_SOURCES=<redacted>: must be a JSON object/,
    );
    expect(() => loadGatewayConfig({ FHIR_DEFAULT_SOURCE: 'epic' })).toThrow(/FHIR_DEFAULT_SOURCE="epic"/);
  });

  it('reads the environment', () => {
    const config = loadGatewayConfig({
      PORT: '8080',
      NODE_ENV: 'production',
      GATEWAY_API_KEYS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb',
      GATEWAY_PUBLIC_URL: 'https://gateway.example.org/',
      EVENTS_DELIVERY: 'strict',
      EVENTS_ENABLED: 'false',
    });
    expect(config).toMatchObject({
      gateway: {
        port: 8080,
        logLevel: 'info',
        auth: ['api-key'],
        apiKeys: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'],
        publicUrl: 'https://gateway.example.org',
      },
      events: { deliveryMode: 'strict', enabled: false },
    });
  });

  it('names every invalid key', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ PORT: '70000', LOG_LEVEL: 'loud', EVENTS_ENABLED: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toMatch(/^PORT="70000": must be at most 65535$/m);
    expect(problems).toMatch(/^LOG_LEVEL="loud"/m);
    expect(problems).toMatch(/^EVENTS_ENABLED="maybe"/m);
  });

  it('refuses short API keys without printing them', () => {
    expect(() => loadGatewayConfig({ GATEWAY_API_KEYS: 'short-secret' })).toThrow(
      /GATEWAY_API_KEYS=<redacted>: each key must be at least 16 characters/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_API_KEYS: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('reads a YAML file, with the environment taking precedence', () => {
    const path = configFile(
      'PORT: 4000\nEVENTS_DELIVERY: strict\nCORS_ORIGINS: [https://a.example, https://b.example]\n',
    );
    const config = loadGatewayConfig({ GATEWAY_CONFIG_FILE: path, PORT: '5000' });
    expect(config.gateway.port).toBe(5000);
    expect(config.events.deliveryMode).toBe('strict');
    expect(config.gateway.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('refuses unknown keys and unreadable files', () => {
    expect(() => loadGatewayConfig({ GATEWAY_CONFIG_FILE: configFile('PROT: 4000\n') })).toThrow(/PROT: unknown key/);
    expect(() => loadGatewayConfig({ GATEWAY_CONFIG_FILE: '/nonexistent/gateway.yaml' })).toThrow(
      /GATEWAY_CONFIG_FILE: cannot read/,
    );
    expect(() => loadGatewayConfig({ GATEWAY_CONFIG_FILE: configFile('- a\n- b\n') })).toThrow(/must hold a mapping/);
  });

  describe('secure defaults (issue 10)', () => {
    it('refuses production without inbound authentication, naming the keys', () => {
      expect(() =>
        loadGatewayConfig({ NODE_ENV: 'production', GATEWAY_PUBLIC_URL: 'https://gateway.example.org' }),
      ).toThrow(/GATEWAY_AUTH \/ GATEWAY_API_KEYS: production needs inbound authentication/);
    });

    it('starts in production without authentication only when GATEWAY_AUTH=none says so', () => {
      const config = loadGatewayConfig({
        NODE_ENV: 'production',
        GATEWAY_AUTH: 'none',
        GATEWAY_PUBLIC_URL: 'https://gateway.example.org',
      });
      expect(config.gateway.auth).toEqual(['none']);
    });

    it('refuses production without GATEWAY_PUBLIC_URL', () => {
      expect(() => loadGatewayConfig({ NODE_ENV: 'production', GATEWAY_AUTH: 'none' })).toThrow(
        /GATEWAY_PUBLIC_URL: required in production/,
      );
    });

    it('refuses GATEWAY_AUTH=api-key without keys, and none together with keys', () => {
      expect(() => loadGatewayConfig({ GATEWAY_AUTH: 'api-key' })).toThrow(
        /GATEWAY_API_KEYS must list at least one key/,
      );
      expect(() => loadGatewayConfig({ GATEWAY_AUTH: 'none', GATEWAY_API_KEYS: 'aaaaaaaaaaaaaaaa' })).toThrow(
        /choose one/,
      );
    });

    it('refuses CORS_ORIGINS=null and reads TRUST_PROXY as a list of proxies', () => {
      expect(() => loadGatewayConfig({ CORS_ORIGINS: 'https://a.example,null' })).toThrow(/'null' is not an origin/);
      expect(loadGatewayConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).gateway.trustProxy).toEqual([
        'loopback',
        '10.0.0.0/8',
      ]);
    });
  });
});
