import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Pins a process to one CPU (Linux `taskset`), so that the load generator and
 * the server under test do not trade cores between runs. Best effort: where
 * there is one CPU or no taskset, nothing is pinned and the bench says so.
 * Pin the current process last: once pinned, it sees only one CPU.
 */
export function pinToCpu(pid: number, cpu: number): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-cp', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
