/** `npm run docs:events`: regenerates the event catalogue in docs/events.md from the event types. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCurrentCatalogue } from './events-catalogue';

async function main(): Promise<void> {
  const path = join(__dirname, '..', 'docs', 'events.md');
  const current = readFileSync(path, 'utf8');
  const next = await withCurrentCatalogue(current, path);
  if (next !== current) writeFileSync(path, next);
  process.stdout.write(`${path} ${next === current ? 'is current' : 'updated'}\n`);
}

void main();
