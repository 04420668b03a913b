import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { FhirStore } from './fhir-store';

describe('FhirStore persistence', () => {
  it('keeps resources, versions and the reference index across a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'fhir-store-')), 'store.sqlite');
    // Written by another process: this one opens the file as a restarted gateway would.
    const id = execFileSync(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '../../../test/support/write-store.ts'), path],
      {
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    ).toString();

    const store = new FhirStore({ path });
    const read = await store.request({ method: 'GET', path: `Patient/${id}` });
    expect(read).toMatchObject({ status: 200, headers: { etag: 'W/"2"' }, body: { gender: 'female' } });
    const history = (await store.request({ method: 'GET', path: `Patient/${id}/_history` })).body as Bundle;
    expect(history.total).toBe(2);
    const byPatient = (await store.request({ method: 'GET', path: `Observation?patient=${id}` })).body as Bundle;
    expect(byPatient.total).toBe(1);
    await store.close();
    // A second process loading the FHIR definitions: slow on a loaded machine.
  }, 60_000);
});
