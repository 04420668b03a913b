import { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Resource } from '@medplum/fhirtypes';
import { IndexRows, extractIndexRows } from '../indexing/extract-index-rows';
import { deleteFullText, insertFullText } from './full-text-table';
import { openDatabase } from './open-database';
import { INDEX_TABLES, IndexTable, migrate } from './schema';

export interface StoredVersion {
  resourceType: string;
  id: string;
  version: number;
  lastUpdated: string;
  deleted: boolean;
  /** Absent for a delete. */
  resource?: Resource;
}

const COLUMNS: Record<IndexTable, string[]> = {
  idx_string: ['value', 'exact'],
  idx_token: ['system', 'code'],
  idx_date: ['lo', 'hi'],
  idx_number: ['lo', 'hi'],
  idx_quantity: ['value', 'system', 'code'],
  idx_reference: ['ttype', 'tid', 'url'],
  idx_uri: ['value'],
  idx_ucum: ['value', 'unit'],
  idx_code_parent: ['system', 'code', 'parent'],
};

/**
 * The store's SQLite file: every version of every resource, the current version
 * of each (`resource`), and the search index rows of each current version, all
 * written in one transaction. Synchronous, like `node:sqlite`.
 */
export class StoreDatabase {
  readonly db: DatabaseSync;
  private readonly paramIds = new Map<string, number>();
  private readonly statements = new Map<string, StatementSync>();
  private depth = 0;

  constructor(readonly path: string) {
    this.db = openDatabase(path);
    migrate(
      this.db,
      () => this.reindexAll(),
      (rid, resource) => this.addRows(rid, resource),
    );
    this.loadParamIds();
  }

  /** A cached prepared statement. */
  statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** The id of a parameter key (`Patient.name`), created on first use. */
  paramId(key: string): number {
    let id = this.paramIds.get(key);
    if (id === undefined) {
      const row = this.statement('INSERT INTO search_param (key) VALUES (?) RETURNING sp').get(key)!;
      this.paramIds.set(key, (id = Number(row.sp)));
    }
    return id;
  }

  /**
   * The id of a parameter key if any value was ever indexed under it. A key not
   * seen yet is looked up: another connection (the writer thread) may have added it.
   */
  knownParamId(key: string): number | undefined {
    let id = this.paramIds.get(key);
    if (id === undefined) {
      const row = this.statement('SELECT sp FROM search_param WHERE key = ?').get(key);
      if (row) this.paramIds.set(key, (id = Number(row.sp)));
    }
    return id;
  }

  current(resourceType: string, id: string): StoredVersion | undefined {
    const row = this.statement(
      `SELECT v.* FROM resource r JOIN resource_version v
         ON v.resource_type = r.type AND v.id = r.id AND v.version = r.version
       WHERE r.type = ? AND r.id = ?`,
    ).get(resourceType, id);
    return row ? toStoredVersion(row as unknown as VersionRow) : undefined;
  }

  version(resourceType: string, id: string, version: number): StoredVersion | undefined {
    const row = this.statement('SELECT * FROM resource_version WHERE resource_type = ? AND id = ? AND version = ?').get(
      resourceType,
      id,
      version,
    );
    return row ? toStoredVersion(row as unknown as VersionRow) : undefined;
  }

  /** Whether any live resource of the type exists. */
  hasLive(resourceType: string): boolean {
    return (
      this.statement('SELECT 1 FROM resource WHERE type = ? AND deleted = 0 LIMIT 1').get(resourceType) !== undefined
    );
  }

  /** Records a new version and makes it current, replacing the resource's index rows. */
  write(version: StoredVersion): void {
    this.statement(
      'INSERT INTO resource_version (resource_type, id, version, last_updated, deleted, content) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      version.resourceType,
      version.id,
      version.version,
      version.lastUpdated,
      version.deleted ? 1 : 0,
      version.resource ? JSON.stringify(version.resource) : null,
    );
    this.makeCurrent(version);
  }

  private makeCurrent(version: StoredVersion): void {
    const { rid } = this.statement(
      `INSERT INTO resource (type, id, version, last_updated, deleted) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated,
         deleted = excluded.deleted
       RETURNING rid`,
    ).get(version.resourceType, version.id, version.version, version.lastUpdated, version.deleted ? 1 : 0)!;
    if (version.version > 1) {
      for (const table of INDEX_TABLES) this.statement(`DELETE FROM ${table} WHERE rid = ?`).run(rid);
      deleteFullText(this, Number(rid));
    }
    if (version.resource && !version.deleted) this.insertRows(Number(rid), extractIndexRows(version.resource));
  }

  private insertRows(rid: number, rows: IndexRows): void {
    for (const table of INDEX_TABLES) {
      const columns = COLUMNS[table];
      const insert = this.statement(
        `INSERT OR IGNORE INTO ${table} (rid, sp, grp, ${columns.join(', ')}) VALUES (?, ?, ?, ${columns.map(() => '?').join(', ')})`,
      );
      for (const [key, grp, ...values] of rows[table]) {
        insert.run(rid, this.paramId(key), grp, ...(values as SQLInputValue[]));
      }
    }
    insertFullText(this, rid, rows.fullText);
  }

  /** Adds the index rows a current resource lacks (a migration adding row kinds), with the stored parameter ids. */
  private addRows(rid: number, resource: Resource): void {
    if (this.paramIds.size === 0) this.loadParamIds();
    this.insertRows(rid, extractIndexRows(resource));
  }

  /** Rebuilds `resource` and the index tables from the stored versions (migration from the first format). */
  private reindexAll(): void {
    const latest = this.db.prepare(
      `SELECT v.* FROM resource_version v
       JOIN (SELECT resource_type, id, MAX(version) AS version FROM resource_version GROUP BY resource_type, id) m
       USING (resource_type, id, version)`,
    );
    for (const row of latest.iterate()) this.makeCurrent(toStoredVersion(row as unknown as VersionRow));
  }

  /**
   * Runs `work` in one SQLite transaction; rolls back if it throws. A nested call
   * runs in a savepoint of the outer transaction: its failure undoes its own work only.
   */
  atomically<T>(work: () => T): T {
    const savepoint = `s${this.depth}`;
    this.db.exec(this.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = work();
      this.db.exec(this.depth === 1 ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      this.db.exec(this.depth === 1 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      this.loadParamIds();
      throw error;
    } finally {
      this.depth--;
    }
  }

  /** Parameter ids as stored (after a rollback, ids handed out inside the transaction are gone). */
  private loadParamIds(): void {
    this.paramIds.clear();
    for (const row of this.db.prepare('SELECT sp, key FROM search_param').all()) {
      this.paramIds.set(String(row.key), Number(row.sp));
    }
  }

  close(): void {
    if (this.db.isOpen) {
      this.db.exec('PRAGMA optimize');
      this.db.close();
    }
  }
}

export interface VersionRow {
  resource_type: string;
  id: string;
  version: number;
  last_updated: string;
  deleted: number;
  content: string | null;
}

export function toStoredVersion(row: VersionRow): StoredVersion {
  return {
    resourceType: row.resource_type,
    id: row.id,
    version: Number(row.version),
    lastUpdated: row.last_updated,
    deleted: Number(row.deleted) === 1,
    resource: row.content ? (JSON.parse(row.content) as Resource) : undefined,
  };
}
