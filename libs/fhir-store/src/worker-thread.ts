import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The module `name` in `directory` to run in a worker thread: the compiled
 * `.js` when there is one, else its TypeScript source through the swc loader
 * (tests, `npm run` scripts).
 */
export function threadFile(directory: string, name: string): { filename: string; execArgv?: string[] } {
  const compiled = join(directory, `${name}.js`);
  if (existsSync(compiled)) return { filename: compiled };
  return { filename: join(directory, `${name}.ts`), execArgv: ['--require', '@swc-node/register'] };
}

/** Starts a worker thread from the module `name` in `directory` (see `threadFile`). */
export function startThread(directory: string, name: string, workerData: unknown): Worker {
  const { filename, execArgv } = threadFile(directory, name);
  return new Worker(filename, { workerData, execArgv });
}
