/** `npm run docs:config`: regenerates the key reference in docs/configuration.md from the config schemas. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCurrentReference } from './configuration-reference';

async function main(): Promise<void> {
  const path = join(__dirname, '..', 'docs', 'configuration.md');
  const current = readFileSync(path, 'utf8');
  const next = await withCurrentReference(current, path);
  if (next !== current) writeFileSync(path, next);
  process.stdout.write(`${path} ${next === current ? 'is current' : 'updated'}\n`);
}

void main();
