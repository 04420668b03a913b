/**
 * Writes a Patient (two versions) and an Observation into a FhirStore file, in
 * its own process, so that a test can open the file the way a restarted
 * gateway does: with nothing loaded yet. Prints the patient id.
 */
import type { Patient } from '@medplum/fhirtypes';
import { FhirStore } from '@ehr-gateway/fhir-store';

void (async () => {
  const store = new FhirStore({ path: process.argv[2] });
  const created = (
    await store.request({
      method: 'POST',
      path: 'Patient',
      body: { resourceType: 'Patient', name: [{ family: 'Durable' }] },
    })
  ).body as Patient;
  await store.request({ method: 'PUT', path: `Patient/${created.id}`, body: { ...created, gender: 'female' } });
  await store.request({
    method: 'POST',
    path: 'Observation',
    body: {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'pulse' },
      subject: { reference: `Patient/${created.id}` },
    },
  });
  await store.close();
  process.stdout.write(created.id!);
})();
