import { FhirError, FhirRequest, FhirResponse } from '@ehr-gateway/fhir';
import type { Worker } from 'node:worker_threads';
import type { CheckpointResult } from '../storage/store-database';
import type { StoreEngine, StoreEngineOptions } from '../store-engine';
import { startThread } from '../worker-thread';
import type { WritePreparation } from './prepare-write';
import { WritePreparer } from './write-preparer';

/** Runs the store's non-search requests (reads by id, history, writes, Bundles) on the connection that writes. */
export interface Writer {
  handle(request: FhirRequest): Promise<FhirResponse>;
  close(): Promise<void>;
}

/** What the writer thread is started with. */
export interface WriterData {
  path: string;
  options: StoreEngineOptions;
}

/** The engine on the calling thread (`:memory:` stores, whose database no other thread can open). */
export class InProcessWriter implements Writer {
  constructor(private readonly engine: StoreEngine) {}

  async handle(request: FhirRequest): Promise<FhirResponse> {
    return this.engine.handle(request);
  }

  async close(): Promise<void> {}
}

/** A message to the writer thread: a request (and what was prepared of it), or the order to close. */
export type WriterMessage = { id: number; request: FhirRequest; preparation?: WritePreparation } | { close: true };

/** A message from the writer thread: the answer to request `id`, or what its idle checkpoint did. */
export type WriterReply =
  { id: number; response: FhirResponse } | { id: number; error: string } | { checkpoint: CheckpointResult };

interface Pending {
  resolve: (response: FhirResponse) => void;
  reject: (error: Error) => void;
}

/**
 * The engine in one writer thread that owns the write connection (file stores):
 * validation, index extraction and SQLite writes never hold the event loop,
 * whatever the size of a transaction. Requests are answered in order; the
 * thread commits the ones that queued up together (see `writer-worker.ts`).
 * Transactions are first prepared (validated, indexed) by a `WritePreparer`'s
 * threads, several at a time, and reach the writer in the order they came.
 */
export class WorkerWriter implements Writer {
  private worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closing?: Promise<void>;
  /** Whether the current thread has opened the store (a thread that fails before that is not restarted). */
  private started = false;
  private exited = false;
  /** Why the writer cannot run (its thread failed while opening the store). */
  private failure?: Error;
  /** Waiting for the next idle checkpoint (`idleCheckpoint`). */
  private checkpointWaiters: ((result: CheckpointResult) => void)[] = [];
  /** Settles once the last request was handed to the writer thread (requests go in the order they came). */
  private sent: Promise<void> = Promise.resolve();

  constructor(
    private readonly data: WriterData,
    private readonly preparer = new WritePreparer(),
  ) {
    this.worker = this.spawn();
  }

  handle(request: FhirRequest): Promise<FhirResponse> {
    if (this.closing) return Promise.reject(new FhirError(503, 'The FHIR store is closing'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.set(id, { resolve, reject });
      // Kept alive while a request is in flight, so that awaiting one never lets the process end.
      this.worker.ref();
      const preparation = this.preparer.prepare(request);
      this.sent = this.sent.then(async () => {
        try {
          this.post({ id, request, preparation: await preparation });
        } catch (error) {
          this.pending.delete(id);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
  }

  /**
   * What the writer thread's next idle checkpoint did: it runs once no request
   * came for a moment after its queue emptied (see `writer-worker.ts`).
   */
  idleCheckpoint(): Promise<CheckpointResult> {
    return new Promise((resolve) => this.checkpointWaiters.push(resolve));
  }

  private post(message: WriterMessage): void {
    this.worker.postMessage(message);
  }

  /** Answers what is queued, then closes the connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= this.sent.then(async () => {
      await new Promise<void>((resolve) => {
        if (this.exited) return resolve();
        this.worker.ref();
        this.worker.once('exit', () => resolve());
        this.post({ close: true });
      });
      await this.preparer.close();
    });
    return this.closing;
  }

  private spawn(): Worker {
    const worker = startThread(__dirname, 'writer-worker', this.data);
    this.started = false;
    this.exited = false;
    worker.on('message', (reply: WriterReply | { ready: true }) => {
      if ('ready' in reply) {
        this.started = true;
        return;
      }
      if ('checkpoint' in reply) {
        for (const resolve of this.checkpointWaiters.splice(0)) resolve(reply.checkpoint);
        return;
      }
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0 && !this.closing) worker.unref();
      if ('error' in reply) pending.reject(new Error(`The FHIR store's writer failed: ${reply.error}`));
      else pending.resolve(reply.response);
    });
    worker.on('exit', () => {
      if (worker === this.worker) this.exited = true;
    });
    worker.on('error', (error: Error) => {
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
      if (!this.started) this.failure = error;
      else if (!this.closing) this.worker = this.spawn();
    });
    worker.unref();
    return worker;
  }
}
