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

/** A version's resource as stored (its JSON) and its index rows, computed before the write. */
export interface PreparedVersion {
  json: string;
  rows: IndexRows;
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
  /** Inside `optimistically`: nested `atomically` calls take no savepoint. */
  private optimistic = false;
  /** Inside `optimistically`: a nested call failed after changing the database. */
  private spoiled = false;

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

  /**
   * Records a new version and makes it current, replacing the resource's index
   * rows; `prepared` holds the JSON of `version.resource`, and its index rows if already extracted.
   */
  write(version: StoredVersion, prepared?: { json: string; rows?: IndexRows }): void {
    this.statement(
      'INSERT INTO resource_version (resource_type, id, version, last_updated, deleted, content) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      version.resourceType,
      version.id,
      version.version,
      version.lastUpdated,
      version.deleted ? 1 : 0,
      version.resource ? (prepared?.json ?? JSON.stringify(version.resource)) : null,
    );
    this.makeCurrent(version, prepared?.rows);
  }

  private makeCurrent(version: StoredVersion, rows?: IndexRows): void {
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
    if (version.resource && !version.deleted) this.insertRows(Number(rid), rows ?? extractIndexRows(version.resource));
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
    if (this.optimistic && this.depth > 0) return this.unguarded(work);
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

  /**
   * Runs `work` in one SQLite transaction in which nested `atomically` calls
   * take no savepoint: a savepoint journals every page its work changes, which
   * cost a third of a write. If a nested call fails after changing the
   * database, everything is rolled back and undefined is answered: the caller
   * then runs the work again with `atomically`, whose savepoints undo a failure alone.
   */
  optimistically<T>(work: () => T): T | undefined {
    this.optimistic = true;
    this.spoiled = false;
    try {
      return this.atomically(() => {
        const result = work();
        if (this.spoiled) throw new Spoiled();
        return result;
      });
    } catch (error) {
      if (error instanceof Spoiled) return undefined;
      throw error;
    } finally {
      this.optimistic = false;
    }
  }

  private unguarded<T>(work: () => T): T {
    const changes = this.totalChanges();
    try {
      return work();
    } catch (error) {
      if (this.totalChanges() !== changes) this.spoiled = true;
      throw error;
    }
  }

  private totalChanges(): number {
    return Number(this.statement('SELECT total_changes() AS n').get()!.n);
  }

  /**
   * A checkpoint for when the writer has nothing to do. SQLite's automatic
   * checkpoints cannot start the WAL over while a reader still uses it, so
   * under long searches it grew without bound; this one copies the WAL into the
   * database without waiting for readers (PASSIVE), then, when everything was
   * copied and no reader is left, empties the WAL file (TRUNCATE).
   */
  checkpoint(): CheckpointResult {
    const passive = this.db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as unknown as CheckpointRow;
    const frames = Number(passive.log);
    const copied = Number(passive.checkpointed);
    if (Number(passive.busy) !== 0 || copied < frames) return { frames, copied, truncated: false };
    const truncate = this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as unknown as CheckpointRow;
    return { frames, copied, truncated: Number(truncate.busy) === 0 };
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

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/** What an idle checkpoint did: WAL frames before it, frames copied to the database, and whether the WAL was emptied. */
export interface CheckpointResult {
  frames: number;
  copied: number;
  truncated: boolean;
}

/** Thrown to roll back an optimistic transaction that a failure spoiled. */
class Spoiled extends Error {}

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
