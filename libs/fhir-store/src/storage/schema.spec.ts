import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { FhirStore } from '../fhir-store';
import { SCHEMA_VERSION } from './schema';
import { StoreDatabase } from './store-database';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

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
    database.atomically(() =>
      resources.forEach((resource) =>
        database.write({
          resourceType: resource.resourceType,
          id: resource.id!,
          version: 1,
          lastUpdated: '2025-01-01T00:00:00.000Z',
          deleted: false,
          resource,
        }),
      ),
    );
    database.close();
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

  it('refuses a file from a newer build, saying how to move the data', () => {
    const path = file();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => new FhirStore({ path })).toThrow(/newer than this build's.*export its resources/);
  });
});
