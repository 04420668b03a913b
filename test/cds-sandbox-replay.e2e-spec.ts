import type { INestApplication } from '@nestjs/common';
import type { AllergyIntolerance, Bundle, Patient } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { createTestGateway } from './support/gateway-app';
import { sharedFixtures } from './support/fixtures';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/**
 * The official CDS Hooks sandbox (cds-hooks/sandbox), replayed as it calls a FHIR server and
 * CDS services: its legacy `Accept: application/json+fhir`, form-encoded `_search` posts,
 * prefetch it fills itself, draft orders in a Bundle without `type`, and its feedback shapes
 * (written from requests recorded from the sandbox in a real browser).
 */
describe('the CDS Hooks sandbox, unmodified (e2e)', () => {
  let app: INestApplication;
  let url: string;
  let patientId: string;

  const call = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init);
  const fhirRead = (path: string) => call(path, { headers: { accept: 'application/json+fhir' } });
  const fhirSearch = (type: string, form: string) =>
    call(`/fhir/local/${type}/_search`, {
      method: 'POST',
      headers: { accept: 'application/json+fhir', 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
  const cds = (path: string, body: unknown, accept = 'application/json') =>
    call(`/cds-services${path}`, {
      method: 'POST',
      headers: { accept, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await createTestGateway({ FHIR_SEED_PATIENTS: '12' });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    const allergies = (await (
      await call(`/fhir/local/AllergyIntolerance?code=${RXNORM}|7980`)
    ).json()) as Bundle<AllergyIntolerance>;
    patientId = allergies.entry![0].resource!.patient.reference!.split('/')[1];
  });
  afterAll(async () => app.close());

  it('reads its patient and searches with the legacy FHIR JSON type in Accept and _format', async () => {
    const patient = await fhirRead(`/fhir/local/Patient/${patientId}`);
    expect(patient.status).toBe(200);
    expect(((await patient.json()) as Patient).id).toBe(patientId);
    for (const format of ['application/json+fhir', 'application/fhir+json', 'application/json', 'json']) {
      // Unencoded, as clients write it: the `+` reaches the server as a space.
      const response = await call(`/fhir/local/Patient/${patientId}?_format=${format}`);
      expect({ format, status: response.status }).toEqual({ format, status: 200 });
    }
    expect((await call(`/fhir/local/Patient/${patientId}?_format=xml`)).status).toBe(406);
    expect(
      (await call(`/fhir/local/Patient/${patientId}`, { headers: { accept: 'application/fhir+xml' } })).status,
    ).toBe(406);
  });

  it('accepts a body sent as application/json+fhir', async () => {
    const created = await call('/fhir/local/Basic', {
      method: 'POST',
      headers: { accept: 'application/json+fhir', 'content-type': 'application/json+fhir' },
      body: JSON.stringify({ resourceType: 'Basic', code: { text: 'sandbox note' } }),
    });
    expect(created.status).toBe(201);
  });

  it('discovers, invokes patient-view with its own prefetch, and gets a card it can dismiss, in readable markdown', async () => {
    const discovery = await call('/cds-services', { headers: { accept: 'application/json' } });
    expect(discovery.status).toBe(200);
    const { services } = (await discovery.json()) as { services: Array<{ id: string; hook: string }> };
    expect(services.map((service) => service.id)).toEqual(
      expect.arrayContaining(['vitals-review', 'allergy-check', 'allergy-check-select', 'discharge-checklist']),
    );
    const patient = await (await fhirRead(`/fhir/local/Patient/${patientId}`)).json();
    const vitals = await (
      await fhirSearch('Observation', `_count=50&_sort=-date&category=vital-signs&patient=${patientId}`)
    ).json();
    const labs = await (
      await fhirSearch('Observation', `_count=50&_sort=-date&category=laboratory&patient=${patientId}`)
    ).json();
    const response = await cds('/vitals-review', {
      hookInstance: randomUUID(),
      hook: 'patient-view',
      fhirServer: `${url}/fhir/local`,
      context: { patientId, userId: 'Practitioner/COREPRACTITIONER1' },
      prefetch: { patient, vitals, labs },
    });
    expect(response.status).toBe(200);
    const [card] = ((await response.json()) as { cards: Array<{ uuid?: string; detail: string }> }).cards;
    expect(card.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const lines = card.detail.split('\n');
    expect(lines[0]).toMatch(/^\*\*Latest vital signs for .+\*\* \(NEWS2 points\):$/);
    for (const vital of ['Respiratory rate', 'Oxygen saturation', 'Temperature', 'Heart rate']) {
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^- ${vital}: \\d+(\\.\\d+)?( /min|%|°C) \\(\\d\\)$`)),
      );
    }
    expect(card.detail).not.toMatch(/\d{4,5}-\d/); // no bare LOINC codes
  });

  it('order-sign and order-select with draft orders in a Bundle without type; feedback as the sandbox sends it', async () => {
    const patient = await (await fhirRead(`/fhir/local/Patient/${patientId}`)).json();
    const allergies = await (
      await fhirSearch('AllergyIntolerance', `clinical-status=active&patient=${patientId}`)
    ).json();
    const draftOrders = {
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'request-123',
            status: 'draft',
            intent: 'order',
            subject: { reference: `Patient/${patientId}` },
            authoredOn: '2026-11-27',
            medicationCodeableConcept: {
              text: 'Amoxicillin 500 MG Oral Capsule',
              coding: [{ display: 'Amoxicillin 500 MG Oral Capsule', system: RXNORM, code: '308191' }],
            },
          },
        },
      ],
    };
    const context = { patientId, userId: 'Practitioner/COREPRACTITIONER1', draftOrders };
    const sign = await cds('/allergy-check', {
      hookInstance: randomUUID(),
      hook: 'order-sign',
      fhirServer: `${url}/fhir/local`,
      context,
      prefetch: { patient, allergies },
    });
    expect(sign.status).toBe(200);
    const [card] = (
      (await sign.json()) as {
        cards: Array<{ uuid: string; indicator: string; detail: string; suggestions: Array<{ uuid: string }> }>;
      }
    ).cards;
    expect(card.indicator).toBe('critical');
    expect(card.detail).toContain('**Amoxicillin 500 MG Oral Capsule** belongs to penicillins');

    const select = await cds('/allergy-check-select', {
      hookInstance: randomUUID(),
      hook: 'order-select',
      fhirServer: `${url}/fhir/local`,
      context: { ...context, selections: ['MedicationRequest/request-123'] },
      prefetch: { allergies, patient },
    });
    expect(select.status).toBe(200);

    // The sandbox's feedback: one item per POST, with its own Accept header.
    const feedback = (item: Record<string, unknown>) =>
      cds(
        '/allergy-check/feedback',
        { feedback: [{ card: card.uuid, outcomeTimestamp: new Date().toISOString(), ...item }] },
        'application/json, text/plain, */*',
      );
    const accepted = await feedback({ outcome: 'accepted', acceptedSuggestions: [{ id: card.suggestions[0].uuid }] });
    expect(accepted.status).toBe(200);
    const overridden = await feedback({
      outcome: 'overridden',
      overrideReason: { reason: { code: 'benefit', system: 'urn:ehr-gateway:override' } },
    });
    expect(overridden.status).toBe(200);
  });

  const recorded = sharedFixtures('cds/sandbox-recorded', '.json');
  (recorded ? it : it.skip)('answers every request recorded from the sandbox, replayed byte for byte', async () => {
    for (const { name, text } of recorded!) {
      // The recording's patient is another store's: ours stands in for it.
      const replay = JSON.parse(
        text.replaceAll('{{gateway}}', url).replaceAll('cb7d7a94-bf46-4f28-935e-4dc764cd7356', patientId),
      ) as { method: string; path: string; headers: Record<string, string>; body?: unknown };
      const response = await call(replay.path, {
        method: replay.method,
        headers: replay.headers,
        body:
          replay.body === undefined
            ? undefined
            : typeof replay.body === 'string'
              ? replay.body
              : JSON.stringify(replay.body),
      });
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
    }
  });
});
