import type { DatabaseSync } from 'node:sqlite';
import type { Worker } from 'node:worker_threads';
import { FhirError, operationOutcome } from '@ehr-gateway/fhir';
import { startThread } from '../worker-thread';
import { PlanResult, REFUSED, SearchPlan, TOO_COSTLY, executePlan } from './search-plan';

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

/** The error a plan's failure `message` is answered with: `too-costly` for an overrun or a refusal, else a failure. */
export function planError(message: string, budgetMs: number): Error {
  const refused = message.indexOf(REFUSED);
  if (refused >= 0) return new FhirError(400, operationOutcome('too-costly', message.slice(refused + REFUSED.length)));
  if (message.includes(TOO_COSTLY)) return tooCostly(budgetMs);
  return new Error(`Search failed: ${message}`);
}

/** Runs a plan on a connection, turning a budget overrun or a refusal into `too-costly`. */
export function runWithin(db: DatabaseSync, plan: SearchPlan, budgetMs: number): PlanResult {
  try {
    return executePlan(db, plan, budgetMs);
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes(TOO_COSTLY) || message.includes(REFUSED)) throw planError(message, budgetMs);
    throw error;
  }
}

/** Runs plans on the store's own connection (`:memory:` stores, which no other thread can open; writes' searches). */
export class InProcessRunner implements PlanRunner {
  constructor(
    private readonly db: DatabaseSync,
    readonly budgetMs: number,
  ) {}

  run(plan: SearchPlan): Promise<PlanResult> {
    return Promise.resolve(runWithin(this.db, plan, this.budgetMs));
  }

  async close(): Promise<void> {}
}

const GRACE_MS = 1000;

interface Job {
  id: number;
  plan: SearchPlan;
  resolve: (result: PlanResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Set once the worker has opened the store: its start-up does not count against a search's budget. */
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/**
 * Runs plans in worker threads, each with a read-only connection (WAL lets
 * them read while the main connection writes), so that no search holds the
 * event loop. A plan stops itself at its budget (see `executePlan`); one that
 * still runs a grace period later (a step that examines no rows, such as a
 * large sort) is answered with `too-costly` and its worker replaced.
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
      if (!slot.ready || slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => this.abandon(slot), this.budgetMs + GRACE_MS);
      slot.worker.postMessage({ id: job.id, plan: job.plan, budgetMs: this.budgetMs });
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
    const slot: Slot = { worker: startThread(__dirname, 'search-worker', { path: this.path }), ready: false };
    slot.worker.on('message', (message: { ready?: boolean; id: number; result?: PlanResult; error?: string }) => {
      if (message.ready) {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      clearTimeout(slot.timer);
      slot.job = undefined;
      if (message.error !== undefined) job.reject(planError(message.error, this.budgetMs));
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
