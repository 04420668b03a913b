import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Bundle, BundleEntry, Observation, Patient } from '@medplum/fhirtypes';
import type { FhirRequest, FhirResponse } from '@ehr-gateway/fhir';
import { FhirStore } from '../fhir-store';
import { WorkerWriter } from './writer';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'fhir-store-prepared-')), 'store.sqlite');
const total = (response: FhirResponse) => (response.body as Bundle).total;

/**
 * A transaction whose entries refer to each other by `urn:uuid`, one of them a
 * conditional create that matches a stored patient: its `urn:uuid` then names
 * that patient, not the id the entry was given beforehand. File stores validate
 * and index ahead of the writer (in the preparers' threads); the answers, written
 * out by hand, must be the same as the in-process store's.
 */
describe.each([
  ['a file store (writes prepared in worker threads)', tempFile],
  ['a :memory: store (in process)', () => ':memory:'],
])('a transaction of %s', (_name, path) => {
  let store: FhirStore;
  let existing: Patient;
  let answers: BundleEntry[];
  const search = async (query: string) => total(await store.request({ method: 'GET', path: query }));

  beforeAll(async () => {
    store = new FhirStore({ path: path() });
    existing = (
      await store.request({
        method: 'POST',
        path: 'Patient',
        body: {
          resourceType: 'Patient',
          identifier: [{ system: 'urn:test', value: 'P1' }],
          name: [{ family: 'Stored' }],
        },
      })
    ).body as Patient;
    const urn = (n: number) => `urn:uuid:00000000-0000-4000-8000-00000000000${n}`;
    const observation = (subject: string, text: string, extra: Partial<Observation> = {}): Observation => ({
      resourceType: 'Observation',
      status: 'final',
      code: { text },
      subject: { reference: subject },
      ...extra,
    });
    const response = await store.request({
      method: 'POST',
      path: '',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: urn(1),
            resource: {
              resourceType: 'Patient',
              identifier: [{ system: 'urn:test', value: 'P1' }],
              name: [{ family: 'Duplicate' }],
            },
            request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:test|P1' },
          },
          {
            fullUrl: urn(2),
            resource: {
              resourceType: 'Patient',
              name: [{ family: 'Newborn' }],
              text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Quixotic zebra</div>' },
              identifier: [{ type: { coding: [{ system: V2_0203, code: 'MR' }] }, system: 'urn:mrn', value: 'N1' }],
            },
            request: { method: 'POST', url: 'Patient' },
          },
          { fullUrl: urn(3), resource: observation(urn(1), 'pulse'), request: { method: 'POST', url: 'Observation' } },
          {
            fullUrl: urn(4),
            resource: observation(urn(2), 'weight', {
              valueQuantity: { value: 3500, unit: 'g', system: 'http://unitsofmeasure.org', code: 'g' },
            }),
            request: { method: 'POST', url: 'Observation' },
          },
          {
            fullUrl: urn(5),
            resource: observation(urn(2), 'panel', { hasMember: [{ reference: urn(4) }] }),
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      } satisfies Bundle,
    });
    expect(response.status).toBe(200);
    answers = (response.body as Bundle).entry!;
  }, 120_000);
  afterAll(() => store.close());

  it('answers the conditional create with the stored patient and creates the others', () => {
    expect(answers.map((entry) => entry.response?.status)).toEqual(['200', '201', '201', '201', '201']);
    expect(answers[0].resource?.id).toBe(existing.id);
  });

  it('stores and indexes the references as rewritten to the ids the resources have', async () => {
    const newborn = answers[1].resource!.id!;
    const [pulse, weight, panel] = answers.slice(2).map((entry) => entry.resource as Observation);
    expect(pulse.subject?.reference).toBe(`Patient/${existing.id}`);
    expect(weight.subject?.reference).toBe(`Patient/${newborn}`);
    expect(panel.hasMember?.[0].reference).toBe(`Observation/${weight.id}`);
    expect(await search(`Observation?subject=Patient/${existing.id}`)).toBe(1);
    expect(await search(`Observation?subject=Patient/${newborn}`)).toBe(2);
    expect(await search(`Observation?has-member=Observation/${weight.id}`)).toBe(1);
    expect(await search(`Observation?subject=urn:uuid:00000000-0000-4000-8000-000000000001`)).toBe(0);
    expect(await search('Patient?family=duplicate')).toBe(0);
    expect(await search('Patient?identifier=urn:test|P1')).toBe(1);
    expect(await search('Patient?family=newborn')).toBe(1);
    expect(await search('Observation?code:text=weight')).toBe(1);
  });

  it('writes the full-text, :of-type and UCUM rows of what it prepared', async () => {
    expect(await search('Patient?_text=quixotic')).toBe(1);
    expect(await search('Patient?_content=newborn')).toBe(1);
    expect(await search(`Patient?identifier:of-type=${V2_0203}|MR|N1`)).toBe(1);
    // 3,500 g is 3.5 kg: found by a search in kilograms, compared in UCUM base units.
    expect(await search('Observation?value-quantity=ge3|http://unitsofmeasure.org|kg')).toBe(1);
    expect(await search('Observation?value-quantity=lt3|http://unitsofmeasure.org|kg')).toBe(0);
  });

  it('indexes _id and _lastUpdated as the versions were stored', async () => {
    const weight = answers[3].resource as Observation;
    const lastUpdated = weight.meta!.lastUpdated!;
    expect(await search(`Observation?_id=${weight.id}&_lastUpdated=eq${lastUpdated}`)).toBe(1);
    expect(await search(`Observation?_id=${weight.id}&_lastUpdated=gt${lastUpdated}`)).toBe(0);
    expect(await search(`Observation?_id=${answers[2].resource!.id}`)).toBe(1);
  });
});

describe('the writer thread when idle', () => {
  it('checkpoints: the WAL is copied into the database and emptied once no reader holds it', async () => {
    const path = tempFile();
    const writer = new WorkerWriter({ path, options: { baseUrl: 'urn:test' } });
    const patients = (n: number): BundleEntry[] =>
      Array.from({ length: n }, (_, i) => ({
        resource: { resourceType: 'Patient', name: [{ family: `Wal${i}` }] },
        request: { method: 'POST', url: 'Patient' },
      }));
    const transaction = (entry: BundleEntry[]): FhirRequest => ({
      method: 'POST',
      path: '',
      body: { resourceType: 'Bundle', type: 'transaction', entry } satisfies Bundle,
    });
    try {
      expect((await writer.handle(transaction(patients(50)))).status).toBe(200);
      // A reader in a read transaction (a long search) keeps the WAL from starting over.
      const reader = new DatabaseSync(path, { readOnly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM resource').get();
      expect((await writer.handle(transaction(patients(50)))).status).toBe(200);
      const whileRead = await writer.idleCheckpoint();
      expect(whileRead.truncated).toBe(false);
      expect(whileRead.frames).toBeGreaterThan(0);
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);

      reader.exec('COMMIT');
      reader.close();
      expect((await writer.handle({ method: 'GET', path: 'metadata' })).status).toBe(200);
      const afterRead = await writer.idleCheckpoint();
      expect(afterRead).toEqual({ frames: afterRead.copied, copied: afterRead.copied, truncated: true });
      expect(statSync(`${path}-wal`).size).toBe(0);
    } finally {
      await writer.close();
    }
  }, 120_000);
});
