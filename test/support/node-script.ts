import { spawn } from 'node:child_process';

/** Runs a TypeScript entry point (`main.ts`) as its npm script would, through @swc-node/register. */
function spawnScript(script: string, env: Record<string, string>, stdout: 'ignore' | 'pipe') {
  return spawn(process.execPath, ['-r', '@swc-node/register', script], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', stdout, stdout === 'pipe' ? 'inherit' : 'pipe'],
  });
}

/** Runs `script` until it exits: its exit code and the lines it wrote to stderr. */
export function runScript(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderrLines: string[] }> {
  return new Promise((resolve) => {
    const child = spawnScript(script, env, 'ignore');
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderrLines: stderr.split('\n').filter(Boolean) }));
  });
}

/**
 * Starts `script` and reads the lines it writes to stdout as they come: `until`
 * resolves with every line so far once one matches, and rejects if the process
 * exits first. `stop()` ends it.
 */
export function startScript(script: string, env: Record<string, string>) {
  const child = spawnScript(script, env, 'pipe');
  const lines: string[] = [];
  const waiting: Array<{ match: (line: string) => boolean; resolve: (lines: string[]) => void }> = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const complete = (pending + chunk.toString()).split('\n');
    pending = complete.pop()!;
    for (const line of complete.filter(Boolean)) {
      lines.push(line);
      for (const waiter of waiting.filter(({ match }) => match(line))) waiter.resolve([...lines]);
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`))),
  );
  exited.catch(() => undefined); // stop() at the end of a test is no failure
  return {
    until: (match: (line: string) => boolean) =>
      Promise.race([new Promise<string[]>((resolve) => waiting.push({ match, resolve })), exited]),
    stop: () => child.kill(),
  };
}
