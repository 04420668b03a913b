import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from the module `name` in `directory`: the compiled
 * `.js` when there is one, else its TypeScript source through the swc loader
 * (tests, `npm run` scripts).
 */
export function startThread(directory: string, name: string, workerData: unknown): Worker {
  const compiled = join(directory, `${name}.js`);
  if (existsSync(compiled)) return new Worker(compiled, { workerData });
  return new Worker(join(directory, `${name}.ts`), { workerData, execArgv: ['--require', '@swc-node/register'] });
}
