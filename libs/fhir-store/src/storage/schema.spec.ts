import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Bundle } from '@medplum/fhirtypes';
import { FhirStore } from '../fhir-store';
import { SCHEMA_VERSION } from './schema';

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
  });

  it('adds the number high-bound index to a version 2 file', async () => {
    const path = file();
    await new FhirStore({ path }).close();
    const before = new DatabaseSync(path);
    before.exec('DROP INDEX idx_number_hi; PRAGMA user_version = 2');
    before.close();
    await new FhirStore({ path }).close();
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'idx_number_hi'").all()).toHaveLength(1);
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
