import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '@ehr-gateway/config';
import { loadAuditConsumerConfig } from './audit-consumer.config';

const BROKER = { EVENTS_BROKER_URL: 'nats://127.0.0.1:4222' };
const SECRET = 'audit-client-secret-4f9a';
const SMART_TRAIL =
  'fhir://gateway.example/api/fhir/local?client_id=audit&client_secret=audit-client-secret-4f9a' +
  '&token_url=https://auth.example/token&scope=system/AuditEvent.cs';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAuditConsumerConfig({ ...BROKER, ...env });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('the audit trail the consumer writes to', () => {
  it('is /fhir/local on localhost:3000 without credentials by default, each write bounded to 10 s', () => {
    expect(loadAuditConsumerConfig(BROKER).trail).toMatchObject({
      baseUrl: 'http://localhost:3000/fhir/local',
      auth: { type: 'none' },
      timeoutMs: 10_000,
    });
  });

  it('keeps AUDIT_GATEWAY_URL and AUDIT_SOURCE, http to any host included, as before AUDIT_FHIR_SOURCE', () => {
    const options = loadAuditConsumerConfig({
      ...BROKER,
      AUDIT_GATEWAY_URL: 'http://gateway:3000/',
      AUDIT_SOURCE: 'audit',
      AUDIT_GATEWAY_API_KEY: 'k'.repeat(24),
    });
    expect(options.trail).toMatchObject({ baseUrl: 'http://gateway:3000/fhir/audit', auth: { type: 'none' } });
    expect(options.apiKey).toBe('k'.repeat(24));
  });

  it('is a FHIR source connection string in AUDIT_FHIR_SOURCE: any base path, SMART client credentials', () => {
    expect(loadAuditConsumerConfig({ ...BROKER, AUDIT_FHIR_SOURCE: SMART_TRAIL }).trail).toMatchObject({
      baseUrl: 'https://gateway.example/api/fhir/local',
      auth: {
        type: 'client_secret',
        clientId: 'audit',
        clientSecret: SECRET,
        tokenUrl: 'https://auth.example/token',
        scope: 'system/AuditEvent.cs',
      },
      timeoutMs: 10_000,
    });
    expect(loadAuditConsumerConfig({ ...BROKER, AUDIT_FHIR_SOURCE: `${SMART_TRAIL}&timeout=20` }).trail.timeoutMs).toBe(
      20_000,
    );
  });

  it('refuses AUDIT_FHIR_SOURCE together with the keys it replaces', () => {
    expect(problemsOf({ AUDIT_FHIR_SOURCE: SMART_TRAIL, AUDIT_SOURCE: 'local' })).toEqual([
      'AUDIT_FHIR_SOURCE: replaces AUDIT_SOURCE; set one or the other (the connection string names the gateway and the source)',
    ]);
    expect(
      problemsOf({ AUDIT_FHIR_SOURCE: SMART_TRAIL, AUDIT_GATEWAY_URL: 'http://localhost:3000', AUDIT_SOURCE: 'x' }),
    ).toEqual([
      'AUDIT_FHIR_SOURCE: replaces AUDIT_GATEWAY_URL and AUDIT_SOURCE; set one or the other (the connection string names the gateway and the source)',
    ]);
  });

  it('refuses an API key besides a SMART client: one credential', () => {
    expect(problemsOf({ AUDIT_FHIR_SOURCE: SMART_TRAIL, AUDIT_GATEWAY_API_KEY: 'k'.repeat(24) })).toEqual([
      'AUDIT_GATEWAY_API_KEY: the audit trail already authenticates with the client_id of AUDIT_FHIR_SOURCE; set one credential',
    ]);
  });

  it('names the key and the problem of a bad connection string, never its secret', () => {
    const problems = problemsOf({
      AUDIT_FHIR_SOURCE: `https://gateway.example/fhir/local?client_id=audit&client_secret=${SECRET}`,
    });
    expect(problems).toEqual(["AUDIT_FHIR_SOURCE: FHIR source 'audit-trail': client_id needs token_url"]);
    expect(problemsOf({ AUDIT_FHIR_SOURCE: `not a url ${SECRET}` })).toEqual([
      "AUDIT_FHIR_SOURCE: FHIR source 'audit-trail': not a URL or fhir:// connection string",
    ]);
    expect(
      problemsOf({
        AUDIT_FHIR_SOURCE:
          'https://gateway.example/fhir/local?client_id=audit&use_jwt_assertion=true&private_key_path=/nonexistent/audit.pem&token_url=https://auth.example/token',
      }),
    ).toEqual([
      "AUDIT_FHIR_SOURCE: FHIR source 'audit-trail': cannot read private key file /nonexistent/audit.pem (ENOENT)",
    ]);
  });

  it('sends the client secret and tokens over https, or plain http on loopback, unless AUDIT_ALLOW_INSECURE_HTTP', () => {
    const trail = SMART_TRAIL.replace('fhir://gateway.example', 'http://gateway:3000');
    expect(problemsOf({ AUDIT_FHIR_SOURCE: trail })).toEqual([
      "AUDIT_FHIR_SOURCE: FHIR source 'audit-trail': http:// is allowed only for loopback hosts unless allowInsecureHttp is set",
    ]);
    const insecureToken = SMART_TRAIL.replace('https://auth.example', 'http://auth.example');
    expect(problemsOf({ AUDIT_FHIR_SOURCE: insecureToken })).toEqual([
      "AUDIT_FHIR_SOURCE: FHIR source 'audit-trail': token_url may use http:// only for loopback hosts unless allowInsecureHttp is set",
    ]);
    expect(
      loadAuditConsumerConfig({ ...BROKER, AUDIT_FHIR_SOURCE: trail, AUDIT_ALLOW_INSECURE_HTTP: 'true' }).trail.baseUrl,
    ).toBe('http://gateway:3000/api/fhir/local');
  });
});

describe('how the audit consumer logs', () => {
  it('reads NODE_ENV and LOG_LEVEL like the gateway: debug in development, info otherwise, LOG_LEVEL over both', () => {
    expect(loadAuditConsumerConfig(BROKER).logging).toEqual({ development: true, level: 'debug' });
    expect(loadAuditConsumerConfig({ ...BROKER, NODE_ENV: 'production' }).logging).toEqual({
      development: false,
      level: 'info',
    });
    expect(loadAuditConsumerConfig({ ...BROKER, NODE_ENV: 'production', LOG_LEVEL: 'warn' }).logging.level).toBe(
      'warn',
    );
  });

  it('takes them from GATEWAY_CONFIG_FILE too, and names a bad LOG_LEVEL', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'audit-config-')), 'audit.yaml');
    writeFileSync(file, 'NODE_ENV: production\nLOG_LEVEL: error\n');
    expect(loadAuditConsumerConfig({ ...BROKER, GATEWAY_CONFIG_FILE: file }).logging).toEqual({
      development: false,
      level: 'error',
    });
    expect(problemsOf({ LOG_LEVEL: 'loud' })).toEqual([expect.stringMatching(/^LOG_LEVEL="loud": /)]);
  });
});
