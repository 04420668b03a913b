/**
 * The writer thread of a file store: the one connection that writes, and the
 * engine (validation, index extraction, SQLite) that answers every request but
 * searches. Requests that arrive while it works queue up and are then handled
 * together in one SQLite transaction (a group commit: each in its own
 * savepoint, answered after the commit), so that a loader sending several
 * transactions at once pays for one commit, not one each.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FhirRequest } from '@ehr-gateway/fhir';
import type { Bundle } from '@medplum/fhirtypes';
import { StoreEngine } from '../store-engine';
import { StoreDatabase } from '../storage/store-database';
import type { WritePreparation } from './prepare-write';
import type { WriterData, WriterMessage, WriterReply } from './writer';

/** Bundle entries (or single requests) committed together at most. */
const GROUP_ENTRIES = 1000;
/** The writer is idle (and checkpoints) when no request came for this long after its queue emptied. */
const IDLE_MS = 200;

const { path, options } = workerData as WriterData;
const database = new StoreDatabase(path);
const engine = new StoreEngine(database, options);
const queue: { id: number; request: FhirRequest; preparation?: WritePreparation }[] = [];
let scheduled = false;
let closing = false;
let idle: NodeJS.Timeout | undefined;

const size = (request: FhirRequest) => {
  const entries = (request.body as Bundle | undefined)?.entry;
  return Array.isArray(entries) ? Math.max(1, entries.length) : 1;
};

function drain(): void {
  scheduled = false;
  while (queue.length > 0) {
    let entries = 0;
    let count = 0;
    while (count < queue.length && (count === 0 || entries + size(queue[count].request) <= GROUP_ENTRIES)) {
      entries += size(queue[count].request);
      count++;
    }
    const group = queue.splice(0, count);
    let answers: ReturnType<StoreEngine['handleAll']>;
    try {
      answers = engine.handleAll(
        group.map((job) => job.request),
        group.map((job) => job.preparation),
      );
    } catch (error) {
      answers = group.map(() => error as Error);
    }
    group.forEach(({ id }, i) => {
      const answer = answers[i];
      const reply: WriterReply = answer instanceof Error ? { id, error: answer.message } : { id, response: answer };
      parentPort!.postMessage(reply);
    });
  }
  if (closing) {
    database.close();
    parentPort!.close();
  } else {
    idle = setTimeout(checkpoint, IDLE_MS);
  }
}

/** The idle checkpoint (`StoreDatabase.checkpoint`), reported to the parent thread. */
function checkpoint(): void {
  const reply: WriterReply = { checkpoint: database.checkpoint() };
  parentPort!.postMessage(reply);
}

parentPort!.postMessage({ ready: true });
parentPort!.on('message', (message: WriterMessage) => {
  clearTimeout(idle);
  if ('close' in message) closing = true;
  else queue.push(message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});
