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
import type { WriterData, WriterReply } from './writer';

/** Bundle entries (or single requests) committed together at most. */
const GROUP_ENTRIES = 1000;

const { path, options } = workerData as WriterData;
const database = new StoreDatabase(path);
const engine = new StoreEngine(database, options);
const queue: { id: number; request: FhirRequest }[] = [];
let scheduled = false;
let closing = false;

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
      answers = engine.handleAll(group.map((job) => job.request));
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
  }
}

parentPort!.postMessage({ ready: true });
parentPort!.on('message', (message: { id: number; request: FhirRequest } | { close: true }) => {
  if ('close' in message) closing = true;
  else queue.push(message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});
