import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { FhirError, operationOutcome } from '@ehr-gateway/fhir';
import { PlanResult, SearchPlan, executePlan } from './search-plan';

/** Runs search plans. */
export interface PlanRunner {
  run(plan: SearchPlan): Promise<PlanResult>;
  close(): Promise<void>;
}

export const tooCostly = (budgetMs: number) =>
  new FhirError(
    400,
    operationOutcome('too-costly', `The search did not finish within its time budget of ${budgetMs} ms: narrow it`),
  );

/** Runs plans on the store's own connection (`:memory:` stores, which no other thread can open). */
export class InProcessRunner implements PlanRunner {
  constructor(private readonly db: DatabaseSync) {}

  run(plan: SearchPlan): Promise<PlanResult> {
    return Promise.resolve(executePlan(this.db, plan));
  }

  async close(): Promise<void> {}
}

interface Job {
  id: number;
  plan: SearchPlan;
  resolve: (result: PlanResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/**
 * Runs plans in worker threads, each with a read-only connection (WAL lets
 * them read while the main connection writes). A plan that outlives the time
 * budget is answered with `too-costly` and its worker is replaced: `node:sqlite`
 * cannot interrupt a statement, but a terminated worker's work no longer
 * delays anyone's answer.
 */
export class WorkerRunner implements PlanRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly budgetMs: number,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  run(plan: SearchPlan): Promise<PlanResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.nextId, plan, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new FhirError(503, 'The FHIR store is closing'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => this.abandon(slot), this.budgetMs);
      slot.worker.postMessage({ id: job.id, plan: job.plan });
    }
  }

  private abandon(slot: Slot): void {
    const job = slot.job;
    slot.job = undefined;
    void slot.worker.terminate();
    const index = this.slots.indexOf(slot);
    if (index >= 0 && !this.closed) this.slots[index] = this.spawn();
    job?.reject(tooCostly(this.budgetMs));
    this.dispatch();
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startWorker(this.path) };
    slot.worker.on('message', (message: { id: number; result?: PlanResult; error?: string }) => {
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      clearTimeout(slot.timer);
      slot.job = undefined;
      if (message.error !== undefined) job.reject(new Error(`Search failed: ${message.error}`));
      else job.resolve(message.result!);
      this.dispatch();
    });
    slot.worker.on('error', (error: Error) => {
      const job = slot.job;
      slot.job = undefined;
      clearTimeout(slot.timer);
      job?.reject(error);
      const index = this.slots.indexOf(slot);
      if (index >= 0 && !this.closed) this.slots[index] = this.spawn();
      this.dispatch();
    });
    slot.worker.unref();
    return slot;
  }
}

/** The compiled worker next to this file, or its TypeScript source through the swc loader (tests, `npm run` scripts). */
function startWorker(path: string): Worker {
  const compiled = join(__dirname, 'search-worker.js');
  if (existsSync(compiled)) return new Worker(compiled, { workerData: { path } });
  return new Worker(join(__dirname, 'search-worker.ts'), {
    workerData: { path },
    execArgv: ['--require', '@swc-node/register'],
  });
}
