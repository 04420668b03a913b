import type { ChildProcess } from 'node:child_process';

const REQUEST = 'cpu-usage';

/**
 * In a bench server process: answer the bench's requests for this process's
 * CPU time. CPU per request is steadier than requests per second on a shared
 * machine, where other processes take the CPU for unequal stretches.
 */
export function answerCpuUsage(): void {
  process.on('message', (message) => {
    if (message === REQUEST) process.send!({ cpuUsage: process.cpuUsage() });
  });
}

/** The CPU time (user + system, microseconds) a bench server process has used so far. */
export function serverCpu(server: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const answer = (message: unknown) => {
      const usage = (message as { cpuUsage?: NodeJS.CpuUsage } | null)?.cpuUsage;
      if (!usage) return;
      server.off('message', answer);
      resolve(usage.user + usage.system);
    };
    server.on('message', answer);
    server.send(REQUEST);
  });
}

/** CPU time and requests of the runs against one server. */
export class CpuPerRequest {
  private micros = 0;
  private requests = 0;

  /** Runs `work` (a load that reports its requests per second over `seconds`) and counts the server's CPU for it. */
  async measure<T extends { requestsPerSecond: number }>(
    server: ChildProcess,
    seconds: number,
    work: () => Promise<T>,
  ): Promise<T> {
    const before = await serverCpu(server);
    const result = await work();
    this.micros += (await serverCpu(server)) - before;
    this.requests += result.requestsPerSecond * seconds;
    return result;
  }

  /** Microseconds of server CPU per request. */
  get value(): number {
    return this.micros / this.requests;
  }
}
