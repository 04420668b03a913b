import type { FhirRequest } from '@ehr-gateway/fhir';
import { Piscina } from 'piscina';
import { threadFile } from '../worker-thread';
import { isTransaction, type WritePreparation } from './prepare-write';

/**
 * Threads that prepare writes, by default: one keeps pace with the writer thread (it does about half the writer's
 * CPU per resource), and each loads the R4 definitions (some 300 MB), so more only cost memory on two cores.
 */
export const DEFAULT_WRITE_WORKERS = 1;

/** How long an idle preparer thread lives: a load keeps them; an idle gateway gives their memory back. */
export const WRITE_PREPARER_IDLE_MS = 30_000;
/** Transactions waiting for a preparer at most; beyond, the writer prepares them itself. */
const MAX_QUEUE = 64;

/**
 * Worker threads (a piscina pool, started on first use) that validate and index
 * the resources of transactions before they reach the writer thread
 * (`prepareWrite`), so that both cores do the CPU work of a load while the
 * writer only assigns what it must and writes. Preparing is an optimisation:
 * when the pool is busy or fails, the writer does the work itself.
 */
export class WritePreparer {
  private pool?: Piscina;

  constructor(private readonly threads = DEFAULT_WRITE_WORKERS) {}

  /** `prepareWrite(request)` in a thread, or undefined when there is nothing to prepare or no room in the queue. */
  prepare(request: FhirRequest): Promise<WritePreparation | undefined> | undefined {
    if (!isTransaction(request)) return undefined;
    this.pool ??= new Piscina({
      ...threadFile(__dirname, 'prepare-task'),
      name: 'prepare',
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: WRITE_PREPARER_IDLE_MS,
      maxQueue: MAX_QUEUE,
    });
    if (this.pool.queueSize >= this.pool.options.maxQueue) return undefined;
    return (this.pool.run(request) as Promise<WritePreparation | undefined>).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
