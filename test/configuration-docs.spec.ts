import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configKeys } from '@ehr-gateway/config';
import { GATEWAY_CONFIG_NAMESPACES, loadGatewayConfig } from '../apps/gateway/src/config/gateway-config';
import { withCurrentReference } from '../scripts/configuration-reference';

const root = join(__dirname, '..');

describe('configuration documentation', () => {
  it('docs/configuration.md holds the key reference generated from the schemas (after changing a key: npm run docs:config)', async () => {
    const path = join(root, 'docs', 'configuration.md');
    const document = readFileSync(path, 'utf8');
    expect(document).toBe(await withCurrentReference(document, path));
  });

  it('gateway.example.yaml names every key and, as shipped, changes nothing', () => {
    const path = join(root, 'gateway.example.yaml');
    const text = readFileSync(path, 'utf8');
    const missing = [...configKeys(GATEWAY_CONFIG_NAMESPACES)].filter(
      (key) => !new RegExp(`^(# )?${key}:`, 'm').test(text),
    );
    expect(missing).toEqual([]);
    expect(loadGatewayConfig({ GATEWAY_CONFIG_FILE: path })).toEqual(loadGatewayConfig({}));
  });
});
