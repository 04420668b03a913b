/**
 * A search worker: a read-only connection to the store file that runs search
 * plans, so that a costly search occupies this thread, not the event loop, and
 * can be abandoned when it exceeds its time budget.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../storage/open-database';
import { SearchPlan, executePlan } from './search-plan';

const db = openDatabase((workerData as { path: string }).path, true);

parentPort!.postMessage({ ready: true });
parentPort!.on('message', ({ id, plan, budgetMs }: { id: number; plan: SearchPlan; budgetMs: number }) => {
  try {
    parentPort!.postMessage({ id, result: executePlan(db, plan, budgetMs) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
