import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, StatementSync } from 'node:sqlite';

export interface OutboxEntry {
  seq: number;
  id: string;
  subject: string;
  body: string;
}

/**
 * Events waiting for the broker, in order, in a SQLite file: they survive a
 * restart and are published from the oldest. Bounded: `append` refuses when full.
 */
export class EventOutbox {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly oldest: StatementSync;
  private readonly remove: StatementSync;
  private readonly countStatement: StatementSync;
  private size: number;

  constructor(
    path: string,
    readonly capacity: number,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(
      'PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL)',
    );
    this.insert = this.db.prepare('INSERT INTO outbox (id, subject, body) VALUES (?, ?, ?)');
    this.oldest = this.db.prepare('SELECT seq, id, subject, body FROM outbox ORDER BY seq LIMIT ?');
    this.remove = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.countStatement = this.db.prepare('SELECT COUNT(*) AS count FROM outbox');
    this.size = Number((this.countStatement.get() as { count: number }).count);
  }

  get count(): number {
    return this.size;
  }

  /** `false` when the outbox is full (the event is not stored). */
  append(id: string, subject: string, body: string): boolean {
    if (this.size >= this.capacity) return false;
    this.insert.run(id, subject, body);
    this.size++;
    return true;
  }

  peek(limit: number): OutboxEntry[] {
    return this.oldest.all(limit).map((row) => {
      const { seq, id, subject, body } = row as { seq: number; id: string; subject: string; body: string };
      return { seq: Number(seq), id, subject, body };
    });
  }

  delete(seq: number): void {
    if (Number(this.remove.run(seq).changes) > 0) this.size--;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
