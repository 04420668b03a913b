import type { StatementSync } from 'node:sqlite';
import type { FullText } from '../indexing/full-text';
import { FULL_TEXT_TABLE } from './schema';

/** Whatever prepares (and caches) the store's statements. */
interface Statements {
  statement(sql: string): StatementSync;
}

/** Adds a resource's text to the full-text table (its `rowid` is the resource's `rid`). */
export function insertFullText(db: Statements, rid: number, text: FullText): void {
  if (!text.narrative && !text.content) return;
  db.statement(`INSERT INTO ${FULL_TEXT_TABLE} (rowid, narrative, content) VALUES (?, ?, ?)`).run(
    rid,
    text.narrative,
    text.content,
  );
}

/** Removes a resource's text (on update and delete). */
export function deleteFullText(db: Statements, rid: number): void {
  db.statement(`DELETE FROM ${FULL_TEXT_TABLE} WHERE rowid = ?`).run(rid);
}
