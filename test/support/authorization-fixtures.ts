import type { INestApplication } from '@nestjs/common';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import request from 'supertest';
import { FhirGateway } from '@ehr-gateway/fhir';

/** `Type/id` of every entry of a Bundle. */
export const bundleIds = (bundle: Bundle) =>
  (bundle.entry ?? []).map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`);

/** The `subject` references of a Bundle of observations. */
export const subjectsOf = (bundle: Bundle) =>
  new Set((bundle.entry ?? []).map((entry) => (entry.resource as Observation).subject?.reference));

/** A new observation of a patient, for write tests. */
export const observationOf = (patient: string, extra: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'authorization test' },
  subject: { reference: `Patient/${patient}` },
  ...extra,
});

/** Two seeded patients of the gateway's store and each one's observations, read by the gateway's own code (not checked). */
export async function seededPatients(app: INestApplication) {
  const fhir = app.get(FhirGateway);
  const [alice, bob] = bundleIds(await fhir.search('Patient', { _count: 2 })).map((ref) => ref.split('/')[1]);
  const observationsOf = new Map<string, Observation[]>();
  for (const id of [alice, bob]) {
    const bundle = await fhir.search<Observation>('Observation', { subject: `Patient/${id}`, _count: 500 });
    observationsOf.set(
      id,
      (bundle.entry ?? []).map((entry) => entry.resource!),
    );
  }
  return { alice, bob, observationsOf };
}

/** Every page of a search a client follows through the `next` links (at most 100), each answer given to `check`. */
export async function followPages(
  app: INestApplication,
  url: string,
  token: string,
  check: (response: request.Response) => void = () => undefined,
): Promise<Bundle[]> {
  const pages: Bundle[] = [];
  let next: string | undefined = url;
  for (let page = 0; next && page < 100; page++) {
    const response: request.Response = await request(app.getHttpServer()).get(next).auth(token, { type: 'bearer' });
    check(response);
    pages.push(response.body as Bundle);
    const link: string | undefined = (response.body as Bundle).link?.find((l) => l.relation === 'next')?.url;
    next = link ? new URL(link).pathname + new URL(link).search : undefined;
  }
  return pages;
}
