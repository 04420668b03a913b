import { readFileSync } from 'node:fs';

/** p50 and p99 of a list of timings (milliseconds), nearest-rank. */
export function percentiles(times: number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

/** Resident set size of a process in MB, from /proc on Linux (the current process when no pid is given). */
export function rssMegabytes(pid?: number): number {
  if (pid === undefined) return process.memoryUsage().rss / 1048576;
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}
