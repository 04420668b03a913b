import type { DatabaseSync } from 'node:sqlite';
import type { Resource } from '@medplum/fhirtypes';
import { UCUM_SYSTEM, toCanonical } from '../indexing/ucum';
import { TOKEN_COUNTS } from './token-counts';

/**
 * The store's schema, as numbered migrations recorded in `PRAGMA user_version`.
 * Version 1 is the first format (every version in `resource_version`, searched
 * in memory); version 2 adds the current-resource table and the per-type index
 * tables; version 3 an index on the high bound of numbers (`gt`, `ge`, `ap`,
 * descending sorts); version 4 canonical UCUM quantities, CodeSystem
 * hierarchies (token `:above`/`:below`) and the full-text table (`_text`,
 * `_content`), backfilled from the current resources; version 5 the per-value
 * token counts (`token-counts.ts`), built from the index; version 6 drops the
 * canonical rows of units UCUM converts by a decreasing function (`[pH]`, see
 * `toCanonical`), which sorts and searches compare as stored. A file from a
 * newer build is refused rather than guessed at.
 */
export const SCHEMA_VERSION = 6;

/** Index tables, one per search-parameter type; each row belongs to one resource (`rid`). */
export const INDEX_TABLES = [
  'idx_string',
  'idx_token',
  'idx_date',
  'idx_number',
  'idx_quantity',
  'idx_reference',
  'idx_uri',
  'idx_ucum',
  'idx_code_parent',
] as const;
export type IndexTable = (typeof INDEX_TABLES)[number];

const V1 = `
  CREATE TABLE IF NOT EXISTS resource_version (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    last_updated TEXT NOT NULL, deleted INTEGER NOT NULL, content TEXT,
    PRIMARY KEY (resource_type, id, version)
  );
  CREATE INDEX IF NOT EXISTS resource_version_updated ON resource_version (resource_type, last_updated);
`;

// Index rows are keyed by resource first (to replace them on update) and indexed by
// parameter and value for search. 'grp' ties the components of one composite value.
const V2 = `
  CREATE INDEX IF NOT EXISTS resource_version_system_updated ON resource_version (last_updated);
  CREATE TABLE resource (
    rid INTEGER PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    last_updated TEXT NOT NULL, deleted INTEGER NOT NULL, UNIQUE (type, id)
  );
  CREATE INDEX resource_type_live ON resource (type, deleted);
  CREATE TABLE search_param (sp INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
  CREATE TABLE idx_string (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, value TEXT NOT NULL,
    exact TEXT NOT NULL, PRIMARY KEY (rid, sp, grp, value, exact)) WITHOUT ROWID;
  CREATE INDEX idx_string_value ON idx_string (sp, value);
  CREATE TABLE idx_token (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, system TEXT NOT NULL,
    code TEXT NOT NULL, PRIMARY KEY (rid, sp, grp, system, code)) WITHOUT ROWID;
  CREATE INDEX idx_token_code ON idx_token (sp, code, system);
  CREATE TABLE idx_date (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, lo INTEGER NOT NULL,
    hi INTEGER NOT NULL, PRIMARY KEY (rid, sp, grp, lo, hi)) WITHOUT ROWID;
  CREATE INDEX idx_date_lo ON idx_date (sp, lo);
  CREATE INDEX idx_date_hi ON idx_date (sp, hi);
  CREATE TABLE idx_number (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, lo REAL NOT NULL,
    hi REAL NOT NULL, PRIMARY KEY (rid, sp, grp, lo, hi)) WITHOUT ROWID;
  CREATE INDEX idx_number_lo ON idx_number (sp, lo);
  CREATE TABLE idx_quantity (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, value REAL NOT NULL,
    system TEXT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (rid, sp, grp, value, system, code)) WITHOUT ROWID;
  CREATE INDEX idx_quantity_value ON idx_quantity (sp, value);
  CREATE TABLE idx_reference (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, ttype TEXT NOT NULL,
    tid TEXT NOT NULL, url TEXT NOT NULL, PRIMARY KEY (rid, sp, grp, ttype, tid, url)) WITHOUT ROWID;
  CREATE INDEX idx_reference_target ON idx_reference (ttype, tid, sp);
  CREATE INDEX idx_reference_url ON idx_reference (sp, url) WHERE url <> '';
  CREATE TABLE idx_uri (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (rid, sp, grp, value)) WITHOUT ROWID;
  CREATE INDEX idx_uri_value ON idx_uri (sp, value);
`;

const V3 = `CREATE INDEX IF NOT EXISTS idx_number_hi ON idx_number (sp, hi);`;

/** The full-text table: one row per live resource, its `rowid` the resource's `rid`. */
export const FULL_TEXT_TABLE = 'fts_resource';

// idx_ucum: quantities with a UCUM unit that converts, in base units (`unit` is `m-3.g1`...).
// idx_code_parent: the is-a hierarchy of stored CodeSystems, one row per (code, parent), '' for a root.
// fts_resource keeps no copy of the text (contentless), and deletes by rowid (contentless_delete).
const V4 = `
  CREATE TABLE idx_ucum (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, value REAL NOT NULL,
    unit TEXT NOT NULL, PRIMARY KEY (rid, sp, grp, value, unit)) WITHOUT ROWID;
  CREATE INDEX idx_ucum_value ON idx_ucum (sp, unit, value);
  CREATE TABLE idx_code_parent (rid INTEGER NOT NULL, sp INTEGER NOT NULL, grp INTEGER NOT NULL, system TEXT NOT NULL,
    code TEXT NOT NULL, parent TEXT NOT NULL, PRIMARY KEY (rid, sp, grp, system, code, parent)) WITHOUT ROWID;
  CREATE INDEX idx_code_parent_down ON idx_code_parent (system, parent, code);
  CREATE INDEX idx_code_parent_up ON idx_code_parent (system, code, parent);
  CREATE VIRTUAL TABLE ${FULL_TEXT_TABLE} USING fts5(narrative, content, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2');
`;

/** Current resources read per batch by the version 4 backfill (its memory is bounded by one batch). */
const BACKFILL_BATCH = 500;

export class StoreFormatError extends Error {}

/**
 * Brings a store file to the current schema. `reindex` fills the version 2
 * tables from the stored versions, `index` writes the index rows of one current
 * resource (rows it already has are kept): both need the search-parameter
 * definitions, which live outside the storage layer.
 */
export function migrate(db: DatabaseSync, reindex: () => void, index: (rid: number, resource: Resource) => void): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version > SCHEMA_VERSION) {
    throw new StoreFormatError(
      `The FHIR store file has schema version ${version}, newer than this build's ${SCHEMA_VERSION}: ` +
        'run a newer gateway, or export its resources (GET /fhir/local/_history) and load them into a new file.',
    );
  }
  if (version === SCHEMA_VERSION) return;
  const hadData = tableExists(db, 'resource_version');
  db.exec('BEGIN IMMEDIATE');
  try {
    if (version < 1) db.exec(V1);
    if (version < 2) db.exec(V2);
    db.exec(V3);
    if (version < 4) db.exec(V4);
    if (version < 2 && hadData) reindex();
    else if (version < 4 && hadData) backfill(db, index);
    if (version < 5) db.exec(TOKEN_COUNTS);
    if (version >= 4 && version < 6) reindexUncanonical(db, index);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/** Indexes every current resource again, in `rid` order, one batch at a time (rows already there are kept). */
function backfill(db: DatabaseSync, index: (rid: number, resource: Resource) => void): void {
  const batch = db.prepare(
    `SELECT r.rid, v.content FROM resource r JOIN resource_version v
       ON v.resource_type = r.type AND v.id = r.id AND v.version = r.version
     WHERE r.rid > ? AND r.deleted = 0 ORDER BY r.rid LIMIT ${BACKFILL_BATCH}`,
  );
  let after = 0;
  for (;;) {
    const rows = batch.all(after);
    if (rows.length === 0) return;
    for (const row of rows) {
      if (row.content) index(Number(row.rid), JSON.parse(String(row.content)) as Resource);
    }
    after = Number(rows[rows.length - 1].rid);
  }
}

/**
 * Indexes again, from no rows, the current resources that have canonical
 * quantities and a UCUM quantity whose unit has no canonical form under this
 * build's rules (`toCanonical`): versions 4 and 5 gave `[pH]` canonical rows.
 * The UCUM codes are read from the quantity index once; only the resources
 * found are read and indexed again.
 */
function reindexUncanonical(db: DatabaseSync, index: (rid: number, resource: Resource) => void): void {
  const codes = db
    .prepare('SELECT DISTINCT code FROM idx_quantity WHERE system = ?')
    .all(UCUM_SYSTEM)
    .map((row) => String(row.code))
    .filter((code) => !toCanonical(1, code));
  if (codes.length === 0) return;
  const rids = db
    .prepare(
      `SELECT DISTINCT q.rid FROM idx_quantity q WHERE q.system = ? AND q.code IN (SELECT value FROM json_each(?))
         AND EXISTS (SELECT 1 FROM idx_ucum u WHERE u.rid = q.rid)`,
    )
    .all(UCUM_SYSTEM, JSON.stringify(codes))
    .map((row) => Number(row.rid));
  const content = db.prepare(
    `SELECT v.content FROM resource r JOIN resource_version v
       ON v.resource_type = r.type AND v.id = r.id AND v.version = r.version WHERE r.rid = ?`,
  );
  const deletes = [...INDEX_TABLES, FULL_TEXT_TABLE].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE ${table === FULL_TEXT_TABLE ? 'rowid' : 'rid'} = ?`),
  );
  for (const rid of rids) {
    for (const statement of deletes) statement.run(rid);
    const row = content.get(rid);
    if (row?.content) index(rid, JSON.parse(String(row.content)) as Resource);
  }
}

function tableExists(db: DatabaseSync, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
