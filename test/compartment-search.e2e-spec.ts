import type { INestApplication } from '@nestjs/common';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import type { EHREvent } from '@ehr-gateway/events';
import { FhirGateway } from '@ehr-gateway/fhir';
import { bundleIds, followPages } from './support/authorization-fixtures';
import { EventLogModule, eventsOf, payloadOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

type FhirKitClient = import('fhir-kit-client').Client;

const AUDIENCE = 'https://gateway.example.org/fhir';

/**
 * The data set: two patients with an observation, condition and encounter each (A has three observations,
 * one of them a laboratory one), an observation of B that A performed, and a Medication.
 */
const A = 'cmp-a';
const B = 'cmp-b';
const observation = (id: string, subject: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { text: 'compartment test' },
  subject: { reference: `Patient/${subject}` },
  ...extra,
});
const laboratory = {
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
  ],
};
const DATA_SET: Resource[] = [
  { resourceType: 'Patient', id: A, name: [{ family: 'Quarrington', given: ['Zebedee'] }] },
  { resourceType: 'Patient', id: B, name: [{ family: 'Thistlewood', given: ['Ysolde'] }] },
  observation('obs-a1', A, laboratory) as Resource,
  observation('obs-a2', A) as Resource,
  observation('obs-a3', A) as Resource,
  observation('obs-b1', B) as Resource,
  // subject B, performer A: in both compartments (Observation: subject, performer).
  observation('obs-ba', B, { performer: [{ reference: `Patient/${A}` }] }) as Resource,
  { resourceType: 'Condition', id: 'cond-a', subject: { reference: `Patient/${A}` } },
  { resourceType: 'Condition', id: 'cond-b', subject: { reference: `Patient/${B}` } },
  {
    resourceType: 'Encounter',
    id: 'enc-a',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: `Patient/${A}` },
  },
  {
    resourceType: 'Encounter',
    id: 'enc-b',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: `Patient/${B}` },
  },
  { resourceType: 'Medication', id: 'med-1', code: { text: 'not in any compartment' } },
];

/**
 * The expected compartments, written out from the R4 Patient CompartmentDefinition
 * (https://hl7.org/fhir/R4/compartmentdefinition-patient.html): the patient itself, Observation by `subject`
 * or `performer`, Condition by `patient` (= subject) or `asserter`, Encounter by `patient`; Medication has no
 * link to a patient and is in no compartment.
 */
const COMPARTMENT_OF = {
  [A]: [
    `Patient/${A}`,
    'Observation/obs-a1',
    'Observation/obs-a2',
    'Observation/obs-a3',
    'Observation/obs-ba',
    'Condition/cond-a',
    'Encounter/enc-a',
  ],
  [B]: [`Patient/${B}`, 'Observation/obs-b1', 'Observation/obs-ba', 'Condition/cond-b', 'Encounter/enc-b'],
};

/** Writes the data set with the gateway's own code (no inbound credential: not checked). */
const loadDataSet = (app: INestApplication) =>
  app.get(FhirGateway).transaction({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: DATA_SET.map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
    })),
  });

const matches = (bundle: Bundle) =>
  (bundle.entry ?? [])
    .filter((entry) => entry.search?.mode !== 'outcome')
    .map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`)
    .sort();
const notices = (bundle: Bundle) =>
  (bundle.entry ?? [])
    .filter((entry: BundleEntry) => entry.search?.mode === 'outcome')
    .map((entry) => (entry.resource as { issue: Array<{ diagnostics: string }> }).issue[0].diagnostics);
const linkOf = (bundle: Bundle, relation: string) => bundle.link?.find((link) => link.relation === relation)?.url;
/** A link's parameters without the paging ones (`_offset`, `_cursor` move; the rest must stay). */
const searchOf = (url: string) => {
  const params = new URLSearchParams(new URL(url).search);
  params.delete('_offset');
  params.delete('_cursor');
  return [...params.entries()].sort();
};

describe('Compartment searches over every type (Patient/{id}/*) with SMART authorization', () => {
  let authServer: SmartAuthorizationServer;
  let upstream: MockEhrServer;
  let app: INestApplication;
  let baseUrl: string;
  let events: () => Promise<EHREvent[]>;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    upstream = await new MockEhrServer({ id: 'no-auth' }).start();
    app = await createTestGateway(
      {
        ...authServer.gatewayEnv(),
        FHIR_SEED_PATIENTS: '0',
        FHIR_SOURCES: JSON.stringify({ ehr: `${upstream.url}/fhir/R4` }),
      },
      [EventLogModule],
    );
    await app.listen(0, '127.0.0.1');
    baseUrl = `${await app.getUrl()}/fhir/local`;
    await loadDataSet(app);
    events = eventsOf(app);
    await events();
  });

  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
    await upstream?.stop();
  });

  describe('through fhir-kit-client against /fhir/local (a backend service with system/*.rs)', () => {
    let client: FhirKitClient;

    beforeAll(async () => {
      const { Client } = await import('fhir-kit-client');
      client = new Client({ baseUrl, bearerToken: await authServer.clientCredentialsToken('system/*.rs') });
    });

    const compartment = async (id: string, searchParams?: Record<string, string | number>) =>
      (await client.compartmentSearch({
        resourceType: '*',
        compartment: { resourceType: 'Patient', id },
        searchParams,
      })) as unknown as Bundle;

    it("answers exactly each patient's compartment, and no Medication", async () => {
      const a = await compartment(A);
      expect(a).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 7 });
      expect(matches(a)).toEqual([...COMPARTMENT_OF[A]].sort());
      expect(matches(await compartment(B))).toEqual([...COMPARTMENT_OF[B]].sort());
      expect(matches(await compartment('cmp-nobody'))).toEqual([]);
    });

    it('_type names the types searched; a type outside the compartment finds nothing; an unknown type is 400', async () => {
      expect(matches(await compartment(A, { _type: 'Observation,Condition' }))).toEqual([
        'Condition/cond-a',
        'Observation/obs-a1',
        'Observation/obs-a2',
        'Observation/obs-a3',
        'Observation/obs-ba',
      ]);
      expect(matches(await compartment(A, { _type: 'Patient' }))).toEqual([`Patient/${A}`]);
      expect(matches(await compartment(A, { _type: 'Medication' }))).toEqual([]);
      await expect(compartment(A, { _type: 'NoSuchType' })).rejects.toMatchObject({ response: { status: 400 } });
    });

    it('_lastUpdated applies across types', async () => {
      expect(matches(await compartment(A, { _lastUpdated: 'gt2000-01-01' }))).toEqual([...COMPARTMENT_OF[A]].sort());
      expect(matches(await compartment(A, { _lastUpdated: 'lt2000-01-01' }))).toEqual([]);
    });

    it('pages with links that advance and end, keeping _type', async () => {
      const seen: string[] = [];
      let page: Bundle | undefined = await compartment(A, { _type: 'Observation,Encounter', _count: 2 });
      const pages: Bundle[] = [];
      while (page && pages.length < 10) {
        pages.push(page);
        seen.push(...matches(page));
        page = (await client.nextPage({ bundle: page as never })) as unknown as Bundle | undefined;
      }
      expect(pages.length).toBe(3);
      expect(linkOf(pages[2], 'next')).toBeUndefined();
      expect(seen.sort()).toEqual([
        'Encounter/enc-a',
        'Observation/obs-a1',
        'Observation/obs-a2',
        'Observation/obs-a3',
        'Observation/obs-ba',
      ]);
      for (const each of pages) {
        expect(new URL(linkOf(each, 'self')!).searchParams.get('_type')).toBe('Observation,Encounter');
      }
    });

    it('$everything takes several types in _type, and its links keep them', async () => {
      const token = await authServer.clientCredentialsToken('system/*.rs');
      const pages = await followPages(
        app,
        `/fhir/local/Patient/${A}/$everything?_type=Condition,Encounter&_count=1`,
        token,
      );
      expect(pages.flatMap(matches).sort()).toEqual(['Condition/cond-a', 'Encounter/enc-a']);
      expect(pages.map((page) => new URL(linkOf(page, 'self')!).searchParams.get('_type'))).toEqual([
        'Condition,Encounter',
        'Condition,Encounter',
      ]);
    });

    it('answers HEAD without a body', async () => {
      const token = await authServer.clientCredentialsToken('system/*.rs');
      const head = await http().head(`/fhir/local/Patient/${A}/*`).auth(token, { type: 'bearer' });
      expect(head.status).toBe(200);
      expect(head.text ?? '').toBe('');
    });

    it('emits one fhir.search naming the compartment, with no PHI', async () => {
      await events();
      await compartment(A, { _type: 'Patient' });
      const [event, ...more] = await events();
      expect(more).toEqual([]);
      expect(event.eventType).toBe('fhir.search');
      expect(payloadOf(event)).toMatchObject({
        operation: 'search',
        source: 'local',
        resourceType: 'Patient',
        compartment: `Patient/${A}`,
        resultCount: 1,
        outcome: 'success',
      });
      expect(payloadOf(event).resourceId).toBeUndefined();
      expect(JSON.stringify(event)).not.toMatch(/Quarrington|Zebedee/);
    });
  });

  it('is the same from code: FhirGateway.searchCompartment, one event', async () => {
    await events();
    const bundle = await app.get(FhirGateway).searchCompartment(B, '*', { _type: 'Condition,Encounter' });
    expect(matches(bundle)).toEqual(['Condition/cond-b', 'Encounter/enc-b']);
    const recorded = await events();
    expect(
      recorded.map((event) => [event.eventType, payloadOf(event).resourceType, payloadOf(event).compartment]),
    ).toEqual([['fhir.search', 'Patient', `Patient/${B}`]]);
  });

  describe('a patient app', () => {
    const get = (path: string, token: string) => http().get(path).auth(token, { type: 'bearer' });

    it("with patient/*.rs reads its own patient's compartment; another's is 403", async () => {
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', A);
      const own = await get(`/fhir/local/Patient/${A}/*`, token);
      expect(own.status).toBe(200);
      expect(matches(own.body)).toEqual([...COMPARTMENT_OF[A]].sort());
      const other = await get(`/fhir/local/Patient/${B}/*`, token);
      expect(other.status).toBe(403);
      expect(JSON.stringify(other.body)).not.toContain('Thistlewood');
      // The same for a compartment search of one type.
      expect((await get(`/fhir/local/Patient/${B}/Observation`, token)).status).toBe(403);
    });

    it('with patient/Observation.rs and patient/Condition.rs gets those types only, and is told so', async () => {
      const token = await authServer.authorizationCodeToken(
        'launch/patient patient/Observation.rs patient/Condition.rs',
        A,
      );
      const all = await get(`/fhir/local/Patient/${A}/*`, token);
      expect(all.status).toBe(200);
      expect(matches(all.body)).toEqual([
        'Condition/cond-a',
        'Observation/obs-a1',
        'Observation/obs-a2',
        'Observation/obs-a3',
        'Observation/obs-ba',
      ]);
      expect(new URL(linkOf(all.body, 'self')!).searchParams.get('_type')).toBe('Condition,Observation');
      expect(notices(all.body)).toEqual([
        'Searched only the resource types permitted to this token: Condition, Observation',
      ]);

      const asked = await get(`/fhir/local/Patient/${A}/*?_type=Encounter,Observation,Medication`, token);
      expect(matches(asked.body)).toEqual([
        'Observation/obs-a1',
        'Observation/obs-a2',
        'Observation/obs-a3',
        'Observation/obs-ba',
      ]);
      expect(notices(asked.body)).toEqual(['Left out of _type, not permitted to this token: Encounter, Medication']);

      const refused = await get(`/fhir/local/Patient/${A}/*?_type=Encounter`, token);
      expect(refused.status).toBe(403);
      expect(refused.headers['www-authenticate']).toContain('scope="patient/Encounter.s"');
    });

    it('pages a narrowed search three times with links that stay the same', async () => {
      const token = await authServer.authorizationCodeToken(
        'launch/patient patient/Observation.rs patient/Condition.rs',
        A,
      );
      const pages = await followPages(app, `/fhir/local/Patient/${A}/*?_count=2`, token, (response) =>
        expect(response.status).toBe(200),
      );
      expect(pages.length).toBe(3);
      const [first] = pages;
      for (const page of pages) {
        for (const relation of ['self', 'first', 'next']) {
          const url = linkOf(page, relation);
          if (url) expect(searchOf(url)).toEqual(searchOf(linkOf(first, 'self')!));
        }
      }
      expect(pages.flatMap(matches).sort()).toEqual([
        'Condition/cond-a',
        'Observation/obs-a1',
        'Observation/obs-a2',
        'Observation/obs-a3',
        'Observation/obs-ba',
      ]);

      // A search of one type, narrowed to the compartment by a parameter: the same on every page.
      const typed = await followPages(app, '/fhir/local/Observation?_count=1', token, (response) =>
        expect(response.status).toBe(200),
      );
      expect(typed.length).toBe(3);
      const selfOf = (page: Bundle) => searchOf(linkOf(page, 'self')!);
      expect(selfOf(typed[1])).toEqual(selfOf(typed[0]));
      expect(selfOf(typed[2])).toEqual(selfOf(typed[0]));
      expect(typed.flatMap(bundleIds).sort()).toEqual([
        'Observation/obs-a1',
        'Observation/obs-a2',
        'Observation/obs-a3',
      ]);
    });

    it("re-checks every resource returned: a scope's ?category=laboratory leaves out the others, and the total", async () => {
      const token = await authServer.authorizationCodeToken(
        'launch/patient patient/Observation.rs?category=laboratory patient/Condition.rs',
        A,
      );
      const response = await get(`/fhir/local/Patient/${A}/*?_type=Observation,Condition`, token);
      expect(response.status).toBe(200);
      expect(matches(response.body)).toEqual(['Condition/cond-a', 'Observation/obs-a1']);
      expect(response.body.total).toBeUndefined();
    });
  });

  describe('user/ and system/ scopes, by type', () => {
    it('user/Observation.rs searches observations of any compartment; system/Patient.rs the patient only', async () => {
      const practitioner = await authServer.authorizationCodeToken('user/Observation.rs', 'Practitioner/cmp-doc');
      const observations = await http().get(`/fhir/local/Patient/${B}/*`).auth(practitioner, { type: 'bearer' });
      expect(observations.status).toBe(200);
      expect(matches(observations.body)).toEqual(['Observation/obs-b1', 'Observation/obs-ba']);

      const patients = await authServer.clientCredentialsToken('system/Patient.rs');
      const patient = await http().get(`/fhir/local/Patient/${A}/*`).auth(patients, { type: 'bearer' });
      expect(matches(patient.body)).toEqual([`Patient/${A}`]);
      expect(new URL(linkOf(patient.body, 'self')!).searchParams.get('_type')).toBe('Patient');
    });
  });

  describe('an upstream FHIR source', () => {
    it('gets the search as asked (with _type narrowed), and its answer is checked', async () => {
      upstream.searchResults.set(`Patient/${A}/*`, [
        DATA_SET.find((resource) => resource.id === 'obs-a1'),
        DATA_SET.find((resource) => resource.id === 'obs-b1'),
        DATA_SET.find((resource) => resource.id === 'cond-a'),
        DATA_SET.find((resource) => resource.id === 'med-1'),
      ]);
      const token = await authServer.authorizationCodeToken('launch/patient patient/Observation.rs', A);
      upstream.fhirRequests.length = 0;
      const response = await http().get(`/fhir/ehr/Patient/${A}/*?_count=5`).auth(token, { type: 'bearer' });
      expect(response.status).toBe(200);
      expect(upstream.fhirRequests.map((sent) => sent.url)).toEqual([`Patient/${A}/*?_count=5&_type=Observation`]);
      // The upstream ignored _type and the compartment: only A's observation comes back.
      expect(matches(response.body)).toEqual(['Observation/obs-a1']);
      expect(response.body.total).toBeUndefined();
    });
  });

  describe('denied reads as 404 (SMART_DENIED_READ_STATUS=404) and audit-only mode', () => {
    const gateways: INestApplication[] = [];
    afterAll(async () => {
      for (const gateway of gateways) await gateway.close();
    });

    const gatewayWith = async (env: Record<string, string>) => {
      const gateway = await createTestGateway({ ...authServer.gatewayEnv(), FHIR_SEED_PATIENTS: '0', ...env }, [
        EventLogModule,
      ]);
      gateways.push(gateway);
      await loadDataSet(gateway);
      return gateway;
    };

    it("answers 404 for another patient's compartment when denied reads are hidden", async () => {
      const hiding = await gatewayWith({ SMART_DENIED_READ_STATUS: '404' });
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', A);
      const other = await request(hiding.getHttpServer())
        .get(`/fhir/local/Patient/${B}/*`)
        .auth(token, { type: 'bearer' });
      expect(other.status).toBe(404);
    });

    it('lets everything through with GATEWAY_AUTH_ENFORCE=false and records would-deny', async () => {
      const auditOnly = await gatewayWith({ GATEWAY_AUTH_ENFORCE: 'false' });
      const auditEvents = eventsOf(auditOnly);
      await auditEvents();
      const token = await authServer.authorizationCodeToken('launch/patient patient/Observation.rs', A);
      const other = await request(auditOnly.getHttpServer())
        .get(`/fhir/local/Patient/${B}/*`)
        .auth(token, { type: 'bearer' });
      expect(other.status).toBe(200);
      expect(matches(other.body)).toEqual([...COMPARTMENT_OF[B]].sort());
      const own = await request(auditOnly.getHttpServer())
        .get(`/fhir/local/Patient/${A}/*`)
        .auth(token, { type: 'bearer' });
      expect(matches(own.body)).toEqual([...COMPARTMENT_OF[A]].sort());
      const [otherEvent, ownEvent] = await auditEvents();
      expect(otherEvent.metadata.authorization).toMatchObject({ decision: 'would-deny' });
      // Its own compartment, yet types (and so resources) the token may not search.
      expect(ownEvent.metadata.authorization).toMatchObject({ decision: 'would-deny' });
    });
  });
});
