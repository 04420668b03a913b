import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Resource } from '@medplum/fhirtypes';

export interface StoredVersion {
  resourceType: string;
  id: string;
  version: number;
  lastUpdated: string;
  deleted: boolean;
  /** Absent for a delete. */
  resource?: Resource;
}

/**
 * Every version of every resource, in one SQLite table (a file, or `:memory:`).
 * Synchronous, like `node:sqlite` itself: an operation is atomic within its tick.
 */
export class SqliteResourceRepository {
  private readonly db: DatabaseSync;
  private readonly insertStatement: StatementSync;
  private readonly historyStatement: StatementSync;
  private readonly versionStatement: StatementSync;
  private readonly typeHistoryStatement: StatementSync;
  private depth = 0;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS resource_version (
        resource_type TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        last_updated TEXT NOT NULL,
        deleted INTEGER NOT NULL,
        content TEXT,
        PRIMARY KEY (resource_type, id, version)
      );
      CREATE INDEX IF NOT EXISTS resource_version_updated ON resource_version (resource_type, last_updated);
    `);
    this.insertStatement = this.db.prepare(
      'INSERT INTO resource_version (resource_type, id, version, last_updated, deleted, content) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.historyStatement = this.db.prepare(
      'SELECT * FROM resource_version WHERE resource_type = ? AND id = ? ORDER BY version DESC',
    );
    this.versionStatement = this.db.prepare(
      'SELECT * FROM resource_version WHERE resource_type = ? AND id = ? AND version = ?',
    );
    this.typeHistoryStatement = this.db.prepare(
      'SELECT * FROM resource_version WHERE resource_type = ? ORDER BY last_updated DESC LIMIT ?',
    );
  }

  /** The latest version of every resource (deleted ones included), for the in-memory index. */
  *latestVersions(): Generator<StoredVersion> {
    const rows = this.db
      .prepare(
        `SELECT v.* FROM resource_version v
         JOIN (SELECT resource_type, id, MAX(version) AS version FROM resource_version GROUP BY resource_type, id) latest
         USING (resource_type, id, version)`,
      )
      .iterate();
    for (const row of rows) yield toStoredVersion(row as unknown as Row);
  }

  insert(version: StoredVersion): void {
    this.insertStatement.run(
      version.resourceType,
      version.id,
      version.version,
      version.lastUpdated,
      version.deleted ? 1 : 0,
      version.resource ? JSON.stringify(version.resource) : null,
    );
  }

  history(resourceType: string, id: string): StoredVersion[] {
    return this.historyStatement.all(resourceType, id).map((row) => toStoredVersion(row as unknown as Row));
  }

  typeHistory(resourceType: string, limit: number): StoredVersion[] {
    return this.typeHistoryStatement.all(resourceType, limit).map((row) => toStoredVersion(row as unknown as Row));
  }

  version(resourceType: string, id: string, version: number): StoredVersion | undefined {
    const row = this.versionStatement.get(resourceType, id, version);
    return row ? toStoredVersion(row as unknown as Row) : undefined;
  }

  /** Runs `work` in one SQLite transaction (nested calls join the outer one); rolls back if it throws. */
  atomically<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.db.exec('BEGIN IMMEDIATE');
    this.depth++;
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.depth--;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

interface Row {
  resource_type: string;
  id: string;
  version: number;
  last_updated: string;
  deleted: number;
  content: string | null;
}

function toStoredVersion(row: Row): StoredVersion {
  return {
    resourceType: row.resource_type,
    id: row.id,
    version: Number(row.version),
    lastUpdated: row.last_updated,
    deleted: row.deleted === 1,
    resource: row.content ? (JSON.parse(row.content) as Resource) : undefined,
  };
}
