import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, StatementSync } from 'node:sqlite';
import type { FeedbackItemDto } from '../dto/cds-request.dto';

/** Stores CDS feedback in SQLite; the same feedback (same service, card, outcome, time and choices) is stored once. */
export class FeedbackStore {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly countStatement: StatementSync;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`CREATE TABLE IF NOT EXISTS cds_feedback (
      id TEXT PRIMARY KEY,
      service_id TEXT NOT NULL,
      card TEXT NOT NULL,
      outcome TEXT NOT NULL,
      outcome_timestamp TEXT NOT NULL,
      body TEXT NOT NULL,
      received_at TEXT NOT NULL
    )`);
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO cds_feedback (id, service_id, card, outcome, outcome_timestamp, body, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.countStatement = this.db.prepare('SELECT COUNT(*) AS count FROM cds_feedback WHERE service_id = ?');
  }

  /** Stores each item; returns how many were new. */
  save(serviceId: string, items: FeedbackItemDto[]): number {
    let stored = 0;
    for (const item of items) {
      const body = JSON.stringify(item);
      const id = createHash('sha256').update(`${serviceId}\n${body}`).digest('hex');
      const result = this.insert.run(
        id,
        serviceId,
        item.card,
        item.outcome,
        item.outcomeTimestamp,
        body,
        new Date().toISOString(),
      );
      stored += Number(result.changes);
    }
    return stored;
  }

  count(serviceId: string): number {
    return Number((this.countStatement.get(serviceId) as { count: number }).count);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
