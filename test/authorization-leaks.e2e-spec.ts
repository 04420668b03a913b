import type { INestApplication } from '@nestjs/common';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { FhirGateway } from '@ehr-gateway/fhir';
import { bundleIds } from './support/authorization-fixtures';
import { createTestGateway } from './support/gateway-app';
import { MockEhrServer } from './support/mock-ehr-server';
import { SmartAuthorizationServer } from './support/smart-authorization-server';

/**
 * Regression tests for the red-team findings on SMART authorization (F2, F6, F11), with the red team's own
 * requests, tokens from a real oidc-provider and the embedded store. The expected answers come from SMART App
 * Launch (a `patient/` scope reaches only the compartment of the token's patient; a v2 query restriction, only the
 * resources that match it) and FHIR R4 search (`total` and `_summary=count` count the matches).
 */
const AUDIENCE = 'https://gateway.example.org/fhir';
const A = 'lk-a';
const B = 'lk-b';
const LINKED = 'hb-b';

const category = (code: string) => [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code }] },
];
const observation = (id: string, subject: string, extra: Record<string, unknown>) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: `Patient/${subject}` },
  ...extra,
});

/**
 * A (the attacker) and B (the victim: name, birth date, an HIV condition, a positive HIV test in no category);
 * a record of B's that links to A (`hb-b`, as linked or merged records do), with its own HIV condition; A's own
 * social-history observations (three) and a laboratory one.
 */
const DATA_SET = [
  { resourceType: 'Patient', id: A, name: [{ family: 'Attacker' }] },
  { resourceType: 'Patient', id: B, name: [{ family: 'Thistlewood', given: ['Ysolde'] }], birthDate: '1971-03-04' },
  {
    resourceType: 'Patient',
    id: LINKED,
    name: [{ family: 'Thistlewood' }],
    birthDate: '1971-03-04',
    link: [{ other: { reference: `Patient/${A}` }, type: 'seealso' }],
  },
  ...[B, LINKED].map((subject) => ({
    resourceType: 'Condition',
    id: `${subject}-hiv`,
    subject: { reference: `Patient/${subject}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '86406008' }], text: 'HIV infection' },
  })),
  observation(`${B}-obs`, B, {
    code: { coding: [{ system: 'http://loinc.org', code: '75622-1' }], text: 'HIV 1 and 2 tests' },
    valueString: 'positive',
  }),
  ...[0, 1, 2].map((n) =>
    observation(`tt-soc${n}`, A, {
      category: category('social-history'),
      code: { coding: [{ system: 'http://loinc.org', code: 'alcohol' }] },
    }),
  ),
  observation('tt-lab', A, {
    category: category('laboratory'),
    code: { coding: [{ system: 'http://loinc.org', code: 'glu' }] },
  }),
] as Resource[];

const batchOf = (...urls: string[]): Bundle => ({
  resourceType: 'Bundle',
  type: 'batch',
  entry: urls.map((url) => ({ request: { method: 'GET', url } })),
});
const diagnosticsOf = (body: OperationOutcome) => body.issue?.map((issue) => issue.diagnostics).join('; ') ?? '';

describe('SMART authorization leaks found by the red team (tokens from oidc-provider, embedded store)', () => {
  let authServer: SmartAuthorizationServer;
  let upstream: MockEhrServer;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const get = (path: string, token: string) => http().get(`/fhir/local/${path}`).auth(token, { type: 'bearer' });
  const post = (path: string, token: string, body: object) =>
    http().post(`/fhir/local/${path}`).auth(token, { type: 'bearer' }).type('application/fhir+json').send(body);

  beforeAll(async () => {
    authServer = await new SmartAuthorizationServer(AUDIENCE).start();
    upstream = await new MockEhrServer({ id: 'no-auth' }).start();
    app = await createTestGateway({
      ...authServer.gatewayEnv(),
      FHIR_SEED_PATIENTS: '0',
      FHIR_SOURCES: JSON.stringify({ ehr: `${upstream.url}/fhir/R4` }),
    });
    await app.get(FhirGateway).transaction({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: DATA_SET.map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      })),
    });
  });

  afterAll(async () => {
    await app?.close();
    await authServer?.stop();
    await upstream?.stop();
  });

  describe('F2: chained parameters and _has are no oracle on another patient', () => {
    /** A refusal that tells nothing of B: 403, naming the parameter, the same whether B matches or not. */
    const expectRefused = (response: request.Response, parameter: string) => {
      expect(response.status).toBe(403);
      expect(diagnosticsOf(response.body)).toContain(parameter);
      expect(JSON.stringify(response.body)).not.toMatch(/Thistlewood|Ysolde|lk-b|hb-b/);
    };

    it('a read-only patient/*.rs token: _has through a record linking to its patient is refused, match or not', async () => {
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', A);
      for (const query of [
        'Patient?_has:Patient:link:name=Thistlewood',
        'Patient?_has:Patient:link:name=Smith',
        'Patient?_has:Patient:link:_has:Condition:subject:code=86406008',
        'Patient?_has:Patient:link:_has:Condition:subject:code=44054006',
      ]) {
        expectRefused(await get(query, token), '_has');
      }
      // What it may see is still answered: its own record.
      const own = await get('Patient', token);
      expect(own.status).toBe(200);
      expect(bundleIds(own.body)).toEqual([`Patient/${A}`]);
    });

    describe('a patient/*.cruds token that points its own records at B’s', () => {
      let token: string;

      beforeAll(async () => {
        token = await authServer.authorizationCodeToken('launch/patient patient/*.cruds', A);
      });

      it('may write its own records, but reads none of B’s', async () => {
        await http()
          .put(`/fhir/local/Patient/${A}`)
          .auth(token, { type: 'bearer' })
          .type('application/fhir+json')
          .send({
            resourceType: 'Patient',
            id: A,
            name: [{ family: 'Attacker' }],
            link: [{ other: { reference: `Patient/${B}` }, type: 'seealso' }],
          })
          .expect(200);
        await http()
          .put(`/fhir/local/Observation/${A}-obs`)
          .auth(token, { type: 'bearer' })
          .type('application/fhir+json')
          .send(
            observation(`${A}-obs`, A, {
              code: { text: 'x' },
              focus: [{ reference: `Observation/${B}-obs` }],
              hasMember: [{ reference: `Observation/${B}-obs` }],
            }),
          )
          .expect(201);
        expect((await get(`Patient/${B}`, token)).status).toBe(403);
        expect((await get(`Condition/${B}-hiv`, token)).status).toBe(403);
      });

      it('the red team’s chains are refused, naming the parameter, whether B matches or not', async () => {
        for (const [query, parameter] of [
          ['Patient?link:Patient.name=Thistlewood', 'link:Patient.name'],
          ['Patient?link:Patient.name=Smith', 'link:Patient.name'],
          ['Patient?link:Patient.birthdate=1971-03-04', 'link:Patient.birthdate'],
          ['Patient?link:Patient.birthdate=1980', 'link:Patient.birthdate'],
          ['Patient?link:Patient._has:Condition:subject:code=86406008', 'link:Patient._has:Condition:subject:code'],
          ['Patient?link:Patient._has:Condition:subject:code=44054006', 'link:Patient._has:Condition:subject:code'],
          ['Observation?has-member:Observation.value-string=positive', 'has-member:Observation.value-string'],
          ['Observation?has-member:Observation.value-string=negative', 'has-member:Observation.value-string'],
          ['Observation?focus:Observation.code=75622-1', 'focus:Observation.code'],
          [`Patient/${A}/Patient?link:Patient.name=Thistle`, 'link:Patient.name'],
          [`Patient/${A}/*?link:Patient.name=Thistle`, 'link:Patient.name'],
        ]) {
          expectRefused(await get(query, token), parameter);
        }
      });

      it('by POST _search, in a batch, in a conditional create, and to an upstream source alike', async () => {
        const form = await http()
          .post('/fhir/local/Patient/_search')
          .auth(token, { type: 'bearer' })
          .type('form')
          .send({ 'link:Patient.name': 'Thistlewood' });
        expectRefused(form, 'link:Patient.name');

        const batch = await post('', token, batchOf('Patient?link:Patient.name=Thistlewood', `Patient/${A}`));
        expect(batch.status).toBe(200);
        expect(batch.body.entry.map((entry: BundleEntry) => entry.response!.status.slice(0, 3))).toEqual([
          '403',
          '200',
        ]);

        const conditional = await http()
          .post('/fhir/local/Observation')
          .auth(token, { type: 'bearer' })
          .type('application/fhir+json')
          .set('If-None-Exist', 'focus:Observation.code=75622-1')
          .send({
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'x' },
            subject: { reference: `Patient/${A}` },
          });
        expectRefused(conditional, 'focus:Observation.code');

        upstream.fhirRequests.length = 0;
        const upstreamChain = await http()
          .get('/fhir/ehr/Patient?link:Patient.name=Thistlewood')
          .auth(token, { type: 'bearer' });
        expectRefused(upstreamChain, 'link:Patient.name');
        expect(upstream.fhirRequests).toEqual([]);
      });

      it('_include of B’s record is still withheld, and so is the total', async () => {
        const included = await get('Patient?_include=Patient:link', token);
        expect(included.status).toBe(200);
        expect(bundleIds(included.body)).toEqual([`Patient/${A}`]);
        expect(included.body.total).toBeUndefined();
      });
    });

    it('a user token reaching every Observation but no Patient or Condition: joins onto those are refused', async () => {
      const observations = await authServer.authorizationCodeToken('user/Observation.rs', 'Practitioner/rt-doc');
      const names = await get('Observation?subject:Patient.name=Thistlewood', observations);
      expect(names.status).toBe(403);
      expect(diagnosticsOf(names.body)).toContain("chained parameter 'subject:Patient.name'");
      expect(diagnosticsOf(names.body)).toContain('Patient');
      // Observation to Observation stays inside what it reaches whole: answered as R4 defines.
      const members = await get('Observation?has-member:Observation.value-string=positive', observations);
      expect(members.status).toBe(200);
      expect(bundleIds(members.body)).toEqual([`Observation/${A}-obs`]);

      const withPatients = await authServer.authorizationCodeToken(
        'user/Observation.rs user/Patient.read',
        'Practitioner/rt-doc',
      );
      expect(bundleIds((await get('Observation?subject:Patient.name=Thistlewood', withPatients)).body)).toEqual([
        `Observation/${B}-obs`,
      ]);
      expect(bundleIds((await get('Patient?_has:Observation:subject:code=75622-1', withPatients)).body)).toEqual([
        `Patient/${B}`,
      ]);
      // Untyped, `subject` may also be a Group, Device or Location; Conditions are not granted at all.
      expect((await get('Observation?subject.name=Thistlewood', withPatients)).status).toBe(403);
      const conditions = await get('Patient?_has:Condition:subject:code=86406008', withPatients);
      expect(conditions.status).toBe(403);
      expect(diagnosticsOf(conditions.body)).toContain('Condition');
    });

    it('a token that reaches every patient (system/*.rs) chains and uses _has as R4 search defines', async () => {
      const token = await authServer.clientCredentialsToken('system/*.rs');
      // A's record links to B (Thistlewood); hb-b (Thistlewood) links to A.
      expect(bundleIds((await get('Patient?link:Patient.name=Thistlewood', token)).body)).toEqual([`Patient/${A}`]);
      expect(bundleIds((await get('Patient?link:Patient.name=Smith', token)).body)).toEqual([]);
      // Linked to from a Patient named Thistlewood (hb-b), and from one with an HIV condition (hb-b again).
      expect(bundleIds((await get('Patient?_has:Patient:link:name=Thistlewood', token)).body)).toEqual([
        `Patient/${A}`,
      ]);
      expect(bundleIds((await get('Patient?_has:Patient:link:name=Smith', token)).body)).toEqual([]);
      expect(
        bundleIds((await get('Patient?_has:Patient:link:_has:Condition:subject:code=86406008', token)).body),
      ).toEqual([`Patient/${A}`]);
    });
  });

  describe('F6: no total counts resources the token cannot see, in a batch or not', () => {
    const HIV_TEST = 'http://loinc.org|75622-1';

    it('a user token with two category-restricted scopes learns no count of B’s HIV tests', async () => {
      const token = await authServer.authorizationCodeToken(
        'user/Observation.rs?category=laboratory user/Observation.rs?category=vital-signs',
        'Practitioner/rt-doc',
      );
      for (const patient of [B, A]) {
        const query = `Observation?subject=Patient/${patient}&code=${HIV_TEST}&_summary=count`;
        const direct = await get(query, token);
        expect(direct.status).toBe(200);
        expect(direct.body.total).toBeUndefined();
        const batch = await post('', token, batchOf(query));
        expect(batch.body.entry[0].response.status).toMatch(/^200/);
        expect(batch.body.entry[0].resource.total).toBeUndefined();
      }
      // Without _summary=count: nothing of B's either.
      const listed = await get(`Observation?subject=Patient/${B}&code=${HIV_TEST}`, token);
      expect(bundleIds(listed.body)).toEqual([]);
      expect(listed.body.total).toBeUndefined();
    });

    it('a patient token with two category-restricted scopes gets no count of its social-history observations in a batch', async () => {
      const token = await authServer.authorizationCodeToken(
        'launch/patient patient/Observation.rs?category=laboratory patient/Observation.rs?category=vital-signs',
        A,
      );
      const direct = await get('Observation?code=http://loinc.org|alcohol&_summary=count', token);
      expect(direct.status).toBe(200);
      expect(direct.body.total).toBeUndefined();
      const batch = await post(
        '',
        token,
        batchOf(
          'Observation?code=http://loinc.org|alcohol&_summary=count',
          'Observation?code=http://loinc.org|alcohol&_total=accurate&_count=0',
          'Observation?_total=accurate',
        ),
      );
      expect(batch.status).toBe(200);
      const [count, none, listed] = batch.body.entry as BundleEntry[];
      expect((count.resource as Bundle).total).toBeUndefined();
      expect((none.resource as Bundle).total).toBeUndefined();
      // The laboratory observation only, and no total.
      expect(bundleIds(listed.resource as Bundle)).toEqual(['Observation/tt-lab']);
      expect((listed.resource as Bundle).total).toBeUndefined();
    });

    it('one restricted user scope, and patient/*.rs (its $everything too), in a batch: no total either', async () => {
      const laboratory = await authServer.authorizationCodeToken(
        'user/Observation.rs?category=laboratory',
        'Practitioner/rt-doc',
      );
      const patient = await authServer.authorizationCodeToken('launch/patient patient/*.rs', A);
      for (const [token, query] of [
        [laboratory, `Observation?subject=Patient/${B}&code=${HIV_TEST}&_summary=count`],
        [patient, 'Observation?_summary=count'],
        [patient, `Patient/${A}/*?_summary=count`],
      ]) {
        const direct = await get(query, token);
        expect(direct.status).toBe(200);
        expect(direct.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
        expect(direct.body.total).toBeUndefined();
        const [entry] = (await post('', token, batchOf(query))).body.entry;
        expect(entry.response.status).toMatch(/^200/);
        expect(entry.resource.total).toBeUndefined();
      }
      // $everything (not answered inside a batch by the store): its own patient's, no total either.
      const everything = await get(`Patient/${A}/$everything`, patient);
      expect(everything.status).toBe(200);
      expect(everything.body.total).toBeUndefined();
    });

    it('a token that reaches every Observation gets the count, directly and in a batch', async () => {
      const token = await authServer.clientCredentialsToken('system/*.rs');
      const query = `Observation?subject=Patient/${B}&code=${HIV_TEST}&_summary=count`;
      expect((await get(query, token)).body.total).toBe(1);
      expect((await post('', token, batchOf(query))).body.entry[0].resource.total).toBe(1);
      expect(typeof (await get(`Patient/${A}/$everything`, token)).body.total).toBe('number');
      const user = await authServer.authorizationCodeToken('user/Observation.rs', 'Practitioner/rt-doc');
      expect((await get(`Observation?subject=Patient/${A}&code=${HIV_TEST}&_summary=count`, user)).body.total).toBe(0);
    });
  });

  describe('F11: a Bundle entry that is no object is a 400 naming it', () => {
    it.each<[string, unknown[], string]>([
      ['entry: [null]', [null], 'Bundle.entry[0]'],
      [
        'a second entry that is a string',
        [{ request: { method: 'GET', url: `Patient/${A}` } }, 'x'],
        'Bundle.entry[1]',
      ],
      ['a url that is a number', [{ request: { method: 'GET', url: 5 } }], 'Bundle.entry[0].request'],
      [
        'an ifNoneExist that is an object',
        [{ request: { method: 'POST', url: 'Observation', ifNoneExist: {} } }],
        'Bundle.entry[0].request.ifNoneExist',
      ],
    ])('%s', async (_, entry, expression) => {
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.cruds', A);
      for (const type of ['batch', 'transaction']) {
        const response = await post('', token, { resourceType: 'Bundle', type, entry });
        expect(response.status).toBe(400);
        expect(response.body.resourceType).toBe('OperationOutcome');
        expect(response.body.issue[0].expression).toEqual([expression]);
      }
    });

    it('entry that is no array is a 400 too', async () => {
      const token = await authServer.authorizationCodeToken('launch/patient patient/*.rs', A);
      const response = await post('', token, { resourceType: 'Bundle', type: 'batch', entry: { 0: null } });
      expect(response.status).toBe(400);
      expect(response.body.issue[0].expression).toEqual(['Bundle.entry']);
    });
  });
});
