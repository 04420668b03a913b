import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { FhirStore } from '../fhir-store';
import { SCHEMA_VERSION } from './schema';
import { StoreDatabase } from './store-database';
import { firstVersion } from '../../../../test/support/store-versions';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const UCUM = 'http://unitsofmeasure.org';

const file = () => join(mkdtempSync(join(tmpdir(), 'fhir-store-schema-')), 'store.sqlite');

/** A store file in the first format: every version in `resource_version`, nothing else, user_version 0. */
function firstFormatFile(): string {
  const path = file();
  const db = new DatabaseSync(path);
  db.exec(`CREATE TABLE resource_version (resource_type TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    last_updated TEXT NOT NULL, deleted INTEGER NOT NULL, content TEXT, PRIMARY KEY (resource_type, id, version))`);
  const insert = db.prepare('INSERT INTO resource_version VALUES (?, ?, ?, ?, ?, ?)');
  const patient = (version: number, family: string) =>
    JSON.stringify({
      resourceType: 'Patient',
      id: 'old1',
      meta: { versionId: String(version), lastUpdated: `2024-01-0${version}T00:00:00.000Z` },
      name: [{ family }],
    });
  insert.run('Patient', 'old1', 1, '2024-01-01T00:00:00.000Z', 0, patient(1, 'Before'));
  insert.run('Patient', 'old1', 2, '2024-01-02T00:00:00.000Z', 0, patient(2, 'Migrated'));
  insert.run(
    'Patient',
    'gone',
    1,
    '2024-01-01T00:00:00.000Z',
    0,
    JSON.stringify({ resourceType: 'Patient', id: 'gone', name: [{ family: 'Migrated' }] }),
  );
  insert.run('Patient', 'gone', 2, '2024-01-03T00:00:00.000Z', 1, null);
  db.close();
  return path;
}

/**
 * Turns a current store file back into the given earlier version: without the
 * version 4 tables and `:of-type` rows (and, for version 2, the number high-bound index).
 */
function toPreviousFormat(path: string, version: 2 | 3): void {
  const db = new DatabaseSync(path);
  db.exec(`DROP TABLE idx_ucum; DROP TABLE idx_code_parent; DROP TABLE fts_resource;
    DELETE FROM idx_token WHERE sp IN (SELECT sp FROM search_param WHERE key LIKE '%:of-type');
    PRAGMA user_version = ${version}`);
  if (version === 2) db.exec('DROP INDEX idx_number_hi');
  db.close();
}

/** Stores each resource as its first version, in one transaction, and closes the file. */
function writeAndClose(database: StoreDatabase, resources: Resource[]): void {
  database.atomically(() => resources.forEach((resource) => database.write(firstVersion(resource))));
  database.close();
}

/**
 * Turns a current store file back into version 5, which gave quantities in
 * `[pH]` canonical rows (H+ per cubic metre, UCUM's conversion of the value, under
 * `value-quantity` and `combo-value-quantity`); returns how many it added.
 */
function toVersion5(path: string, phValues: Record<string, number>): number {
  const db = new DatabaseSync(path);
  const insert = db.prepare(
    `INSERT INTO idx_ucum (rid, sp, grp, value, unit) SELECT r.rid, p.sp, 0, ?, 'm-3' FROM resource r, search_param p
     WHERE r.type = 'Observation' AND r.id = ? AND p.key IN ('Observation.value-quantity', 'Observation.combo-value-quantity')`,
  );
  let added = 0;
  for (const [id, ph] of Object.entries(phValues)) {
    const perCubicMetre = UcumLhcUtils.getInstance().convertToBaseUnits('[pH]', ph).magnitude!;
    added += Number(insert.run(perCubicMetre, id).changes);
  }
  db.exec('PRAGMA user_version = 5');
  db.close();
  return added;
}

describe('store schema migrations', () => {
  it('migrates a first-format file: current versions indexed, deleted ones not, history kept', async () => {
    const path = firstFormatFile();
    const store = new FhirStore({ path });
    try {
      const found = (await store.request({ method: 'GET', path: 'Patient?family=migrated' })).body as Bundle;
      expect(found.entry?.map((entry) => entry.resource?.id)).toEqual(['old1']);
      const before = (await store.request({ method: 'GET', path: 'Patient?family=before' })).body as Bundle;
      expect(before.entry).toBeUndefined();
      const history = (await store.request({ method: 'GET', path: 'Patient/old1/_history' })).body as Bundle;
      expect(history.total).toBe(2);
      expect((await store.request({ method: 'GET', path: 'Patient/gone' })).status).toBe(410);
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    db.close();
  }, 60_000);

  it('adds the number high-bound index to a version 2 file', async () => {
    const path = file();
    new StoreDatabase(path).close();
    toPreviousFormat(path, 2);
    await new FhirStore({ path }).close();
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'idx_number_hi'").all()).toHaveLength(1);
    db.close();
  }, 60_000);

  it('migrates a version 3 file: canonical quantities, identifier types, CodeSystem hierarchies and full text backfilled', async () => {
    const path = file();
    const database = new StoreDatabase(path);
    // More patients than one backfill batch (500), each with a narrative.
    const resources: Resource[] = Array.from({ length: 1201 }, (_, i) => ({
      resourceType: 'Patient',
      id: `p${i}`,
      text: {
        status: 'generated',
        div: `<div xmlns="http://www.w3.org/1999/xhtml">Backfilled patient <b>${i}</b></div>`,
      },
    }));
    resources.push(
      {
        resourceType: 'Patient',
        id: 'mr',
        identifier: [{ type: { coding: [{ system: V2_0203, code: 'MR' }] }, system: 'urn:mrn', value: '12345' }],
      },
      {
        resourceType: 'Observation',
        id: 'glucose',
        status: 'final',
        code: { coding: [{ system: 'urn:test:labs', code: 'glucose-fasting' }], text: 'Fasting glucose' },
        valueQuantity: { value: 150, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
      },
      {
        resourceType: 'CodeSystem',
        id: 'labs',
        url: 'urn:test:labs',
        status: 'active',
        content: 'complete',
        concept: [{ code: 'glucose', concept: [{ code: 'glucose-fasting' }] }],
      },
    );
    writeAndClose(database, resources);
    toPreviousFormat(path, 3);

    const store = new FhirStore({ path });
    try {
      const ids = async (query: string) =>
        ((await store.request({ method: 'GET', path: query })).body as Bundle).entry?.map((e) => e.resource?.id);
      expect(await ids('Observation?value-quantity=gt1%7Chttp://unitsofmeasure.org%7Cg/L')).toEqual(['glucose']);
      expect(await ids(`Patient?identifier:of-type=${V2_0203}%7CMR%7C12345`)).toEqual(['mr']);
      expect(await ids('Observation?code:below=urn:test:labs%7Cglucose')).toEqual(['glucose']);
      expect(await ids('Observation?_content=fasting')).toEqual(['glucose']);
      const counted = (await store.request({ method: 'GET', path: 'Patient?_text=backfilled&_summary=count' }))
        .body as Bundle;
      expect(counted.total).toBe(1201);
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    db.close();
  }, 120_000);

  it('migrates a version 5 file: [pH] values lose the canonical rows it gave them, the rest of the index kept', async () => {
    const path = file();
    const database = new StoreDatabase(path);
    const observation = (id: string, code: string, value: number, unit: string): Resource => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">Arterial ${code}</div>` },
      code: { coding: [{ system: 'urn:test:labs', code }] },
      valueQuantity: { value, unit, system: UCUM, code: unit },
    });
    const resources = [
      observation('ph1', 'ph', 7.4, '[pH]'),
      observation('ph2', 'ph', 7.2, '[pH]'),
      observation('glucose', 'glucose', 150, 'mg/dL'),
    ];
    writeAndClose(database, resources);
    const canonicalPh = toVersion5(path, { ph1: 7.4, ph2: 7.2 });
    expect(canonicalPh).toBe(4);

    const store = new FhirStore({ path });
    try {
      const found = async (query: string) => (await store.request({ method: 'GET', path: query })).body as Bundle;
      const ids = async (query: string) => (await found(query)).entry?.map((e) => e.resource?.id) ?? [];
      // As stored: 7.2 before 7.4 (in H+ per volume, version 5's canonical rows, pH 7.4 came first).
      expect(await ids('Observation?code=urn:test:labs%7Cph&_sort=value-quantity')).toEqual(['ph2', 'ph1']);
      // pH 7.4 is 4e-5 mmol/L of H+: version 5 found both here; a pH is now compared as stored only.
      expect(await ids(`Observation?value-quantity=lt1%7C${UCUM}%7Cmmol/L`)).toEqual([]);
      expect(await ids(`Observation?value-quantity=7.4%7C${UCUM}%7C[pH]`)).toEqual(['ph1']);
      // The indexed-again resources keep their other rows: full text, tokens and their kept counts.
      expect(await ids('Observation?_content=arterial&code=ph')).toEqual(['ph1', 'ph2']);
      expect((await found('Observation?code=urn:test:labs%7Cph&_total=accurate&_count=0')).total).toBe(2);
      expect(await ids(`Observation?value-quantity=gt1%7C${UCUM}%7Cg/L`)).toEqual(['glucose']);
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    expect(db.prepare("SELECT count(*) AS n FROM idx_ucum WHERE unit = 'm-3'").get()).toEqual({ n: 0 });
    db.close();
  }, 60_000);

  it('refuses a file from a newer build, saying how to move the data', () => {
    const path = file();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new FhirStore({ path })).toThrow(/newer than this build's.*export its resources/);
  });
});
