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

/** CPU seconds (user + system) a process has used so far, from /proc on Linux. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
