import { Injectable, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { EHREvent } from '@ehr-gateway/events';
import { FhirAggregate, FhirError, FhirGateway, FhirTransform } from '@ehr-gateway/fhir';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { EventLogModule, eventsOf, payloadOf } from './support/event-log';
import { sharedFixtures } from './support/fixtures';
import { createTestGateway } from './support/gateway-app';

/** HealthChain-style custom handlers, declared with the gateway's decorators. */
@Injectable()
class ClinicalHandlers {
  constructor(private readonly fhir: FhirGateway) {}

  @FhirTransform('Patient')
  async summarise(id: string, source: string): Promise<Patient> {
    const patient = await this.fhir.read<Patient>('Patient', id, { source });
    return { ...patient, meta: { ...patient.meta, tag: [{ system: 'urn:ehr-gateway:demo', code: 'summarised' }] } };
  }

  @FhirAggregate('Observation')
  async vitals(id: string, sources: string[]): Promise<Observation[]> {
    const pages = await Promise.all(
      sources.map((source) =>
        this.fhir.search<Observation>('Observation', { patient: `Patient/${id}`, category: 'vital-signs' }, { source }),
      ),
    );
    return pages.flatMap((bundle) => (bundle.entry ?? []).map((entry) => entry.resource!));
  }

  @FhirTransform('Encounter')
  refuse(): never {
    throw new FhirError(422, 'Encounters cannot be summarised yet');
  }
}

@Module({ providers: [ClinicalHandlers] })
class ClinicalHandlersModule {}

describe('FHIR custom handlers and external fixtures (e2e)', () => {
  let app: INestApplication;
  let events: () => Promise<EHREvent[]>;

  beforeAll(async () => {
    app = await createTestGateway({}, [EventLogModule, ClinicalHandlersModule]);
    events = eventsOf(app);
  });
  afterAll(async () => app.close());

  async function somePatient(): Promise<Patient> {
    const bundle = await app.get(FhirGateway).search<Patient>('Patient', { _count: 1 });
    await events();
    return bundle.entry![0].resource!;
  }

  it('serves @FhirTransform at /fhir/transform/{Type}/{id}, emitting the read the handler made', async () => {
    const patient = await somePatient();
    const response = await request(app.getHttpServer())
      .get(`/fhir/transform/Patient/${patient.id}?source=local`)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/application\/fhir\+json/);
    expect(response.body).toMatchObject({ id: patient.id, meta: { tag: [{ code: 'summarised' }] } });
    expect((await events()).map((e) => [e.eventType, payloadOf(e).resourceId])).toEqual([['fhir.read', patient.id]]);
  });

  it('serves @FhirAggregate at /fhir/aggregate/{Type} as a Bundle', async () => {
    const patient = await somePatient();
    const response = await request(app.getHttpServer())
      .get(`/fhir/aggregate/Observation?id=${patient.id}&sources=local`)
      .expect(200);
    expect(response.body).toMatchObject({ resourceType: 'Bundle', type: 'collection', total: 4 });
    expect((await events()).map((e) => e.eventType)).toEqual(['fhir.search']);
  });

  it('turns handler errors and missing handlers into OperationOutcomes', async () => {
    const refused = await request(app.getHttpServer()).get('/fhir/transform/Encounter/e1').expect(422);
    expect(refused.body.issue[0].diagnostics).toBe('Encounters cannot be summarised yet');
    const missing = await request(app.getHttpServer()).get('/fhir/transform/Condition/c1').expect(404);
    expect(missing.body.issue[0].diagnostics).toBe('No @FhirTransform handler for this resource type');
    const unknownSource = await request(app.getHttpServer())
      .get('/fhir/aggregate/Observation?id=x&sources=nowhere')
      .expect(404);
    expect(unknownSource.body.issue[0].diagnostics).toBe('Unknown FHIR source');
  });

  it('lists its handlers in the gateway CapabilityStatement', async () => {
    const metadata = await request(app.getHttpServer()).get('/fhir/metadata').expect(200);
    expect(metadata.body.rest[0].resource.map((r: { type: string }) => r.type)).toEqual([
      'Encounter',
      'Observation',
      'Patient',
    ]);
  });

  const bundles = sharedFixtures('fhir', '.json');
  (bundles ? describe : describe.skip)('the shared FHIR fixture bundles', () => {
    it.each(bundles ?? [])('loads $name into the store as a transaction', async ({ text }) => {
      const bundle = JSON.parse(text) as Bundle;
      const response = await request(app.getHttpServer())
        .post('/fhir/local')
        .set('Content-Type', 'application/fhir+json')
        .send(text)
        .expect(200);
      const result = response.body as Bundle;
      expect(result.type).toBe('transaction-response');
      expect(result.entry!.map((entry) => entry.response!.status)).toEqual(bundle.entry!.map(() => '201'));
      const patientId = result.entry!.find((entry) => entry.resource?.resourceType === 'Patient')!.resource!.id;
      const references = JSON.stringify(result.entry!.map((entry) => entry.resource));
      expect(references).not.toMatch(/urn:uuid:/);
      expect(references).toContain(`"Patient/${patientId}"`);
      expect((await events()).map((e) => e.eventType)).toEqual(bundle.entry!.map(() => 'fhir.create'));
    });
  });
});
