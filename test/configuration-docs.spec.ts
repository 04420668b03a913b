import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCurrentReference } from '../scripts/configuration-reference';

describe('docs/configuration.md', () => {
  it('holds the key reference generated from the config schemas (after changing a key: npm run docs:config)', async () => {
    const path = join(__dirname, '..', 'docs', 'configuration.md');
    const document = readFileSync(path, 'utf8');
    expect(document).toBe(await withCurrentReference(document, path));
  });
});
