import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { FeedbackStore } from '@ehr-gateway/cds';
import { EHREvent, EHREventType } from '@ehr-gateway/events';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { Bundle, MedicationRequest, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { CdsTestServicesModule } from './support/cds-test-services';
import { EventLogModule, eventsOf, payloadOf } from './support/event-log';
import { sharedFixtures } from './support/fixtures';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

function medicationOrder(id: string, code: string, text: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/x' },
    medicationCodeableConcept: { coding: [{ system: RXNORM, code }], text },
  };
}

describe('CDS Hooks (e2e)', () => {
  let app: INestApplication;
  let ehr: MockEhrServer;
  let events: () => Promise<EHREvent[]>;
  let patient: Patient;

  beforeAll(async () => {
    ehr = await new MockEhrServer({ id: 'unused' }).start();
    app = await createTestGateway(
      { CDS_ALLOWED_FHIR_SERVER_HOSTS: new URL(ehr.url).host, CORS_ORIGINS: 'https://ehr.example.org' },
      [EventLogModule, CdsTestServicesModule],
    );
    events = eventsOf(app);
    const fhir = app.get(FhirGateway);
    patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Penn', given: ['Ida'] }],
      gender: 'female',
    });
    await fhir.create({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      code: { coding: [{ system: RXNORM, code: '7980', display: 'penicillin G' }], text: 'penicillin G' },
      criticality: 'high',
      patient: { reference: `Patient/${patient.id}` },
    });
    await events();
  });
  afterAll(async () => {
    await app.close();
    await ehr.stop();
  });

  const invoke = (id: string, body: unknown) =>
    request(app.getHttpServer())
      .post(`/cds-services/${id}`)
      .send(body as object);
  const patientView = (patientId: string, extra: Record<string, unknown> = {}) => ({
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/example', patientId },
    ...extra,
  });

  it('serves discovery with every service, CORS-enabled for the configured browser origins', async () => {
    const response = await request(app.getHttpServer())
      .get('/cds-services')
      .set('Origin', 'https://ehr.example.org')
      .expect(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://ehr.example.org');
    const ids = (response.body.services as Array<{ id: string }>).map((service) => service.id);
    expect(ids).toEqual(
      expect.arrayContaining(['vitals-review', 'allergy-check', 'discharge-checklist', 'static-patient-greeter']),
    );
    expect(response.body.services.find((s: { id: string }) => s.id === 'allergy-check')).toEqual({
      hook: 'order-sign',
      title: 'Drug-allergy check',
      description: expect.any(String),
      id: 'allergy-check',
      prefetch: {
        patient: 'Patient/{{context.patientId}}',
        allergies: 'AllergyIntolerance?patient={{context.patientId}}&clinical-status=active',
      },
    });
    const preflight = await request(app.getHttpServer())
      .options('/cds-services/vitals-review')
      .set('Origin', 'https://ehr.example.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
  });

  it('order-sign: a penicillin-class draft order against a penicillin allergy is a critical card with a delete suggestion', async () => {
    const draftOrders: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: medicationOrder('draft-1', '308182', 'amoxicillin 250 MG Oral Capsule') },
        { resource: medicationOrder('draft-2', '314076', 'lisinopril 10 MG Oral Tablet') },
      ],
    };
    const response = await invoke('allergy-check', {
      hook: 'order-sign',
      hookInstance: randomUUID(),
      context: { userId: 'Practitioner/example', patientId: patient.id, draftOrders },
    }).expect(200);
    expect(response.body.cards).toHaveLength(1);
    const [card] = response.body.cards;
    expect(card).toMatchObject({
      indicator: 'critical',
      selectionBehavior: 'at-most-one',
      summary: 'Allergy conflict: amoxicillin 250 MG Oral Capsule',
    });
    expect(card.suggestions[0].actions).toEqual([
      { type: 'delete', description: expect.any(String), resourceId: 'MedicationRequest/draft-1' },
    ]);
    const [event] = await events().then((all) => all.filter((e) => e.eventType.startsWith('cds.')));
    expect(event).toMatchObject({
      eventType: 'cds.order.sign',
      sourceSystem: 'allergy-check',
      payload: {
        operation: 'invoke',
        hook: 'order-sign',
        serviceId: 'allergy-check',
        patientId: patient.id,
        userId: 'Practitioner/example',
        cardCount: 1,
        prefetchFetched: ['patient', 'allergies'],
        outcome: 'success',
        status: 200,
        durationMs: expect.any(Number),
      },
    });
  });

  it('order-sign without conflicts answers { cards: [] }', async () => {
    const draftOrders: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: medicationOrder('d3', '314076', 'lisinopril') }],
    };
    const response = await invoke('allergy-check', {
      hook: 'order-sign',
      hookInstance: randomUUID(),
      context: { userId: 'Practitioner/example', patientId: patient.id, draftOrders },
    }).expect(200);
    expect(response.body).toEqual({ cards: [] });
    await events();
  });

  it('patient-view and encounter-discharge sample services reason over the store', async () => {
    // The first synthetic patient (MRN100000): seeded, so it has vital signs and labs.
    const seeded = (await app.get(FhirGateway).search<Patient>('Patient', { identifier: 'MRN100000' })).entry![0]
      .resource!;
    const vitals = await invoke('vitals-review', patientView(seeded.id!)).expect(200);
    expect(vitals.body.cards[0]).toMatchObject({
      summary: expect.stringMatching(/^Early-warning score \d+ \((low|medium|high) risk\)/),
      indicator: expect.stringMatching(/^(info|warning|critical)$/),
      links: [expect.objectContaining({ type: 'absolute' })],
    });
    const discharge = await invoke('discharge-checklist', {
      hook: 'encounter-discharge',
      hookInstance: randomUUID(),
      context: { userId: 'Practitioner/example', patientId: seeded.id, encounterId: 'enc-1' },
    }).expect(200);
    expect(discharge.body.cards[0].summary).toMatch(/active medication\(s\) to reconcile/);
    const cdsEvents = (await events()).filter((e) => !e.eventType.startsWith('fhir.'));
    expect(cdsEvents.map((e) => [e.eventType, payloadOf(e).encounterId])).toEqual([
      ['cds.patient.view', undefined],
      ['cds.encounter.discharge', 'enc-1'],
    ]);
  });

  it('keeps client-sent prefetch, keeps null as null, fetches only what is missing', async () => {
    const response = await invoke(
      'prefetch-echo',
      patientView(patient.id!, { prefetch: { practitioner: null } }),
    ).expect(200);
    expect(response.body.cards[0].summary).toBe('practitioner=null patient=Patient/Penn');
    const [event] = (await events()).filter((e) => e.eventType === EHREventType.CDS_PATIENT_VIEW);
    expect(event.payload.prefetchFetched).toEqual(['patient']);
  });

  it('fetches missing prefetch from an allow-listed fhirServer with its bearer token, never logging the token', async () => {
    const token = `secret-access-token-${randomUUID()}`;
    const body = patientView('remote-1', {
      fhirServer: `${ehr.url}/fhir/R4`,
      fhirAuthorization: {
        access_token: token,
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'user/Patient.read',
        subject: 'cds-service',
      },
    });
    const response = await invoke('static-patient-greeter', body).expect(200);
    expect(response.body.cards[0].summary).toBe('Hello Remote');
    expect(ehr.fhirRequests.at(-1)).toEqual({
      method: 'GET',
      url: 'Patient/remote-1',
      authorization: `Bearer ${token}`,
    });
    expect(JSON.stringify(await events())).not.toContain(token);
  });

  it('never calls a fhirServer that is not allow-listed: the gateway source answers instead', async () => {
    const before = ehr.fhirRequests.length;
    const notAllowed = `${ehr.url.replace('127.0.0.1', 'localhost')}/fhir/R4`;
    const body = patientView(patient.id!, {
      fhirServer: notAllowed,
      fhirAuthorization: { access_token: 'x', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'c' },
    });
    const response = await invoke('static-patient-greeter', body).expect(200);
    expect(response.body.cards[0].summary).toBe('Hello Penn');
    expect(ehr.fhirRequests.length).toBe(before);
    await events();
  });

  describe('errors', () => {
    it('400 names every invalid field', async () => {
      const response = await invoke('allergy-check', {
        hook: 'order-sign',
        context: { userId: 'Doctor/1', draftOrders: { resourceType: 'Patient' } },
        fhirAuthorization: { access_token: 'x', token_type: 'MAC' },
      }).expect(400);
      expect(response.body.message).toBe('Invalid CDS Hooks request');
      expect(response.body.details).toEqual(
        expect.arrayContaining([
          'hookInstance must be a UUID',
          expect.stringMatching(/^fhirAuthorization\.token_type/),
          expect.stringMatching(/^fhirAuthorization\.expires_in/),
        ]),
      );
      const contextErrors = await invoke('allergy-check', {
        hook: 'order-sign',
        hookInstance: randomUUID(),
        context: { userId: 'Doctor/1', draftOrders: { resourceType: 'Patient' } },
      }).expect(400);
      expect(contextErrors.body.details).toEqual(
        expect.arrayContaining([
          'context.userId must be a Practitioner, PractitionerRole, Patient or RelatedPerson reference',
          'context.patientId must be a FHIR id',
          expect.stringMatching(/^context\.draftOrders\.resourceType/),
        ]),
      );
      await events();
    });

    it('400 when the hook does not match the service, 404 for an unknown service', async () => {
      const mismatch = await invoke('allergy-check', patientView(patient.id!)).expect(400);
      expect(mismatch.body.details).toEqual([
        "hook 'patient-view' does not match service 'allergy-check', which answers 'order-sign'",
      ]);
      const unknown = await invoke('no-such-service', patientView(patient.id!)).expect(404);
      expect(unknown.body).toEqual({ error: 'Not Found', message: 'No CDS service with this id', details: [] });
      await events();
    });

    it('500 with an error body and a failure event when a handler throws or answers outside the specification', async () => {
      const broken = await invoke('broken', patientView(patient.id!)).expect(500);
      expect(broken.body.message).toBe("CDS service 'broken' failed: model server unavailable");
      const invalid = await invoke('invalid-cards', patientView(patient.id!)).expect(500);
      expect(invalid.body.details).toEqual([
        'cards[0].selectionBehavior (at-most-one or any) is required with suggestions',
        'cards[0].summary must be under 140 characters',
        'cards[0].indicator must be info, warning or critical',
        'cards[0].source.label must not be empty',
        'cards[0].suggestions[0].actions[0].resourceId (a Type/id reference) is required for delete',
        'cards[0].links[0].type must be absolute or smart',
      ]);
      expect(
        (await events()).map((e) => [e.eventType, payloadOf(e).serviceId, e.payload.outcome, e.payload.status]),
      ).toEqual([
        ['cds.patient.view', 'broken', 'failure', 500],
        ['cds.patient.view', 'invalid-cards', 'failure', 500],
      ]);
    });

    it('412 when prefetch data cannot be obtained', async () => {
      const response = await invoke('failing-prefetch', patientView(patient.id!)).expect(412);
      expect(response.body.message).toMatch(
        /Prefetch query 'Observation\?patient=.*' failed with HTTP 400: Unknown search parameter 'not-a-parameter'/,
      );
      await events();
    });

    it('accepts any other hook with the base fields checked, emitting ehr.generic', async () => {
      await invoke('refill-reminder', {
        hook: 'medication-refill',
        hookInstance: randomUUID(),
        context: { anything: true },
      }).expect(200);
      const [event] = await events();
      expect(event).toMatchObject({
        eventType: 'ehr.generic',
        // What the invoker learned reaches the event of a hook without a type of its own too.
        payload: { hook: 'medication-refill', operation: 'invoke', prefetchFetched: [] },
      });
    });
  });

  describe('feedback', () => {
    const feedback = {
      feedback: [
        {
          card: 'f7a1c9b2-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
          outcome: 'overridden',
          overrideReason: {
            reason: { code: 'tolerated', system: 'urn:ehr-gateway:override', display: 'Tolerated before' },
            userComment: 'ok',
          },
          outcomeTimestamp: '2026-11-26T08:00:00Z',
        },
      ],
    };

    it('stores feedback once however often it is sent, and emits ehr.generic feedback', async () => {
      const first = await request(app.getHttpServer())
        .post('/cds-services/allergy-check/feedback')
        .send(feedback)
        .expect(200);
      expect(first.body).toEqual({ stored: 1 });
      const again = await request(app.getHttpServer())
        .post('/cds-services/allergy-check/feedback')
        .send(feedback)
        .expect(200);
      expect(again.body).toEqual({ stored: 0 });
      expect(app.get(FeedbackStore).count('allergy-check')).toBe(1);
      expect((await events()).map((e) => [e.eventType, e.payload.operation, payloadOf(e).serviceId])).toEqual([
        ['ehr.generic', 'feedback', 'allergy-check'],
        ['ehr.generic', 'feedback', 'allergy-check'],
      ]);
    });

    it('refuses invalid feedback naming the fields', async () => {
      const response = await request(app.getHttpServer())
        .post('/cds-services/allergy-check/feedback')
        .send({ feedback: [{ card: '', outcome: 'ignored', outcomeTimestamp: 'yesterday' }] })
        .expect(400);
      expect(response.body.details).toEqual(
        expect.arrayContaining([
          'feedback.0.card should not be empty',
          'feedback.0.outcome must be one of the following values: accepted, overridden',
          'feedback.0.outcomeTimestamp must be an ISO 8601 instant',
        ]),
      );
      await events();
    });
  });

  const specExamples = sharedFixtures('cds', '.json');
  (specExamples ? describe : describe.skip)('the specification examples', () => {
    const example = (name: string) =>
      JSON.parse(specExamples!.find((file) => file.name === name)!.text) as Record<string, unknown>;

    it('answers the spec patient-view request from its own prefetch, without calling its fhirServer', async () => {
      const body = example('spec-patient-view-request.json');
      const response = await invoke('static-patient-greeter', body).expect(200);
      expect(response.body.cards[0].summary).toBe('Hello 1288992');
      const [event] = await events();
      expect(event.payload).toMatchObject({
        hookInstance: body.hookInstance,
        patientId: '1288992',
        encounterId: '89284',
        prefetchFetched: [],
      });
      expect(JSON.stringify(event)).not.toContain('some-opaque-fhir-access-token');
    });

    it('serves a discovery document shaped like the specification example', async () => {
      const spec = example('spec-discovery-response.json') as { services: Array<Record<string, unknown>> };
      const ours = (await request(app.getHttpServer()).get('/cds-services').expect(200)).body as {
        services: Array<Record<string, unknown>>;
      };
      const greeter = ours.services.find((service) => service.id === 'static-patient-greeter')!;
      const specGreeter = spec.services.find((service) => service.id === 'static-patient-greeter')!;
      expect(Object.keys(greeter).sort()).toEqual(Object.keys(specGreeter).sort());
      expect(greeter.hook).toBe(specGreeter.hook);
    });
  });
});
