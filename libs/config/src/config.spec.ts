import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigValidationError } from './config-validation.error';
import { defineConfigNamespace } from './config-namespace';
import { configReference } from './config-reference';
import { envBoolean, envInteger, envJsonObject, envList, isSecureUrl } from './env-values';
import { loadConfig } from './load-config';

const demo = defineConfigNamespace({
  namespace: 'demo',
  title: 'Demo (libs/demo)',
  keys: {
    DEMO_PORT: envInteger(1, 9).default(3).describe('A port.'),
    DEMO_ON: envBoolean().default(false).describe('A switch.'),
    DEMO_HOSTS: envList().default([]).describe('Hosts.'),
    DEMO_TOKEN: z.string().min(8).optional().meta({ secret: true }).describe('A token.'),
    DEMO_MAP: envJsonObject().default({}).describe('A map.'),
  },
  values: (keys) => ({ port: keys.DEMO_PORT, on: keys.DEMO_ON, hosts: keys.DEMO_HOSTS, map: keys.DEMO_MAP }),
});
const other = defineConfigNamespace({
  namespace: 'other',
  title: 'Other',
  keys: { OTHER_MODE: z.enum(['a', 'b']).default('a').describe('A mode.') },
  values: (keys) => ({ mode: keys.OTHER_MODE }),
});

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('config namespaces', () => {
  it('applies the schema defaults and converts environment strings', () => {
    expect(loadConfig([demo, other], {})).toEqual({
      demo: { port: 3, on: false, hosts: [], map: {} },
      other: { mode: 'a' },
    });
    expect(
      loadConfig([demo], { DEMO_PORT: '7', DEMO_ON: 'true', DEMO_HOSTS: 'a.example, b.example', DEMO_MAP: '{"x":1}' }),
    ).toEqual({ demo: { port: 7, on: true, hosts: ['a.example', 'b.example'], map: { x: 1 } } });
  });

  it('reports one line per bad key across namespaces, never a secret value', () => {
    const problems = problemsOf(() =>
      loadConfig([demo, other], { DEMO_PORT: '10', DEMO_TOKEN: 'short', OTHER_MODE: 'c', DEMO_ON: 'maybe' }),
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^DEMO_PORT="10": /);
    expect(problems.find((line) => line.startsWith('DEMO_TOKEN'))).toMatch(/^DEMO_TOKEN=<redacted>: /);
    expect(problems.join('\n')).not.toContain('short');
    expect(problems).toContainEqual(expect.stringMatching(/^OTHER_MODE="c": /));
    expect(problems).toContainEqual(expect.stringMatching(/^DEMO_ON="maybe": /));
  });

  it('reads the YAML file under the environment, turning sequences and mappings into environment strings', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'config-')), 'gateway.yaml');
    writeFileSync(path, 'DEMO_PORT: 5\nDEMO_HOSTS: [a.example, b.example]\nDEMO_MAP:\n  x: 1\nOTHER_MODE: b\n');
    expect(loadConfig([demo, other], { GATEWAY_CONFIG_FILE: path, OTHER_MODE: 'a' })).toEqual({
      demo: { port: 5, on: false, hosts: ['a.example', 'b.example'], map: { x: 1 } },
      other: { mode: 'a' },
    });
    writeFileSync(path, 'DEMO_PROT: 5\n');
    expect(problemsOf(() => loadConfig([demo], { GATEWAY_CONFIG_FILE: path }))).toEqual([
      `DEMO_PROT: unknown key in ${path}`,
    ]);
  });

  it('is a registerAs factory reading process.env', () => {
    expect(demo.KEY).toBe('CONFIGURATION(demo)');
    process.env.DEMO_PORT = '8';
    try {
      expect(demo()).toMatchObject({ port: 8 });
    } finally {
      delete process.env.DEMO_PORT;
    }
  });

  it('renders a reference row per key with its type, default and description', () => {
    const reference = configReference([demo]);
    expect(reference).toContain('## Demo (libs/demo)');
    expect(reference).toContain('| `DEMO_PORT` | integer, >= 1, <= 9 | `3` | A port. |');
    expect(reference).toContain('| `DEMO_ON` | boolean | `false` | A switch. |');
    expect(reference).toContain('| `DEMO_HOSTS` | comma-separated list | (empty) | Hosts. |');
    expect(reference).toContain('| `DEMO_TOKEN` | string | — | A token. Secret: never shown in messages or logs. |');
  });
});

describe('isSecureUrl', () => {
  it.each([
    ['https://keys.example.org/jwks', true],
    ['http://localhost:8080/jwks', true],
    ['http://127.0.0.1/jwks', true],
    ['http://[::1]:9000/jwks', true],
    ['http://keys.example.org/jwks', false],
    ['http://127.0.0.1.example.org/jwks', false],
    ['ftp://localhost/jwks', false],
    ['file://localhost/etc/jwks', false],
    ['/relative/jwks', false],
    [42, false],
  ])('%s -> %s', (value, secure) => {
    expect(isSecureUrl(value)).toBe(secure);
  });
});
