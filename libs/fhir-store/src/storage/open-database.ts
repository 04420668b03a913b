import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** SQLite page cache per connection, in KiB: bounded, so that memory does not follow the data set. */
const CACHE_KIB = 16_384;

/** Opens the store file (WAL, so that search workers read while the main connection writes). */
export function openDatabase(path: string, readOnly = false): DatabaseSync {
  if (path !== ':memory:' && !readOnly) mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { readOnly });
  // Readers keep temporary tables and sorts in files (their size follows the query). A writing connection keeps
  // them in memory: every transaction Bundle runs in a savepoint, whose journal of the pages it changes (at most
  // what one Bundle writes) went to a temporary file beyond 64 KiB and tripled the cost of each index row insert.
  db.exec(`PRAGMA cache_size = -${CACHE_KIB}; PRAGMA temp_store = ${readOnly ? 'FILE' : 'MEMORY'};`);
  // synchronous = NORMAL is durable in WAL mode but for the last commits before a power loss; checkpoints
  // every 10,000 pages (40 MB of WAL) rather than 1,000 spare a large load most of its fsyncs.
  if (!readOnly) db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000;');
  return db;
}
