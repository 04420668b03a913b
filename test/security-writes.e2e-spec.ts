import type { INestApplication } from '@nestjs/common';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';

const FHIR = 'application/fhir+json';
const PATCH = 'application/json-patch+json';
/** A value no error message may quote. */
const PHI = 'PHI-Okafor-1961';

const diagnostics = (body: OperationOutcome) => body.issue.map((issue) => issue.diagnostics).join(' ');

describe('Security: every write validated, every malformed write a 400 (e2e)', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let patient: Patient;

  const send = (method: 'post' | 'put' | 'patch', path: string, body: string, type = FHIR) =>
    http[method](`/fhir/local/${path}`).set('content-type', type).send(body);
  const read = async () => (await http.get(`/fhir/local/Patient/${patient.id}`).expect(200)).body as Patient;

  beforeAll(async () => {
    app = await createTestGateway({ FHIR_STORE_MAX_BUNDLE_ENTRIES: '20' });
    http = request(app.getHttpServer());
    const created = await send(
      'post',
      'Patient',
      JSON.stringify({ resourceType: 'Patient', name: [{ family: PHI }], birthDate: '1961-04-12' }),
    ).expect(201);
    patient = created.body as Patient;
  });
  afterAll(async () => app.close());

  describe('element names not in the definition', () => {
    it.each([
      ['__proto__ at the root', '{"resourceType":"Patient","__proto__":{"isAdmin":true}}', 'Patient.__proto__'],
      ['hasOwnProperty at the root', '{"resourceType":"Patient","hasOwnProperty":1}', 'Patient.hasOwnProperty'],
      ['constructor in a name', '{"resourceType":"Patient","name":[{"constructor":1}]}', 'Patient.name[0].constructor'],
      [
        'toString in a contact',
        '{"resourceType":"Patient","contact":[{"toString":"x"}]}',
        'Patient.contact[0].toString',
      ],
      [
        'valueOf deep',
        '{"resourceType":"Patient","name":[{"period":{"valueOf":2}}]}',
        'Patient.name[0].period.valueOf',
      ],
    ])('create with %s: 400 naming the path', async (_, body, path) => {
      const response = await send('post', 'Patient', body).expect(400);
      expect(response.body.issue[0].expression).toEqual([path]);
    });

    it('the issue\'s own body ({"__proto__":{"isAdmin":true},"hasOwnProperty":1}): 400, never stored or served', async () => {
      const body =
        '{"resourceType":"Patient","__proto__":{"isAdmin":true},"hasOwnProperty":1,"name":[{"family":"Proto-Admin"}]}';
      await send('post', 'Patient', body).expect(400);
      const search = await http.get('/fhir/local/Patient?family=Proto-Admin').expect(200);
      expect((search.body as Bundle).entry ?? []).toEqual([]);
    });

    /** Each name JavaScript objects inherit, nested two levels down (Patient.name[0].period.<name>). */
    describe.each(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'])('%s at depth', (name) => {
      const path = `Patient.name[0].period.${name}`;
      const nested = (family: string) => `{"family":"${family}","period":{"${name}":{"start":"2020-01-01"}}}`;

      it('via update: 400 naming the path, nothing stored', async () => {
        const body = `{"resourceType":"Patient","id":"${patient.id}","name":[${nested('Updated')}]}`;
        const response = await send('put', `Patient/${patient.id}`, body).expect(400);
        expect(response.body.issue[0].expression).toEqual([path]);
        expect((await read()).meta?.versionId).toBe('1');
      });

      it('via PATCH (a value that carries it): 400 naming the path, nothing stored', async () => {
        const ops = `[{"op":"replace","path":"/name/0","value":${nested('Patched')}}]`;
        const response = await send('patch', `Patient/${patient.id}`, ops, PATCH).expect(400);
        expect(response.body.issue[0].expression).toEqual([path]);
        expect((await read()).meta?.versionId).toBe('1');
      });

      it('via a transaction entry: 400 naming the path, nothing written', async () => {
        const family = `Tx-${name.replace(/_/g, '')}`;
        const bundle = `{"resourceType":"Bundle","type":"transaction","entry":[
          {"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","name":[{"family":"${family}"}]}},
          {"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","name":[${nested(family)}]}}]}`;
        const response = await http.post('/fhir/local').set('content-type', FHIR).send(bundle).expect(400);
        expect(diagnostics(response.body)).toContain(`entry 1 `);
        expect(diagnostics(response.body)).toContain(path);
        const search = await http.get(`/fhir/local/Patient?family=${family}`).expect(200);
        expect((search.body as Bundle).entry ?? []).toEqual([]);
      });
    });

    it('update with __proto__: 400, nothing stored', async () => {
      const body = `{"resourceType":"Patient","id":"${patient.id}","__proto__":{"isAdmin":true}}`;
      await send('put', `Patient/${patient.id}`, body).expect(400);
      expect((await read()).meta?.versionId).toBe('1');
    });

    it('PATCH whose result has toString: 400, nothing stored', async () => {
      const ops = JSON.stringify([{ op: 'add', path: '/name/0/toString', value: 1 }]);
      const response = await send('patch', `Patient/${patient.id}`, ops, PATCH).expect(400);
      expect(response.body.issue[0].expression).toEqual(['Patient.name[0].toString']);
      expect((await read()).meta?.versionId).toBe('1');
    });

    it('transaction entry with hasOwnProperty: 400, nothing written', async () => {
      const bundle = `{"resourceType":"Bundle","type":"transaction","entry":[
        {"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","name":[{"family":"Kept-Out"}]}},
        {"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","hasOwnProperty":1}}]}`;
      await http.post('/fhir/local').set('content-type', FHIR).send(bundle).expect(400);
      const search = await http.get('/fhir/local/Patient?family=Kept-Out').expect(200);
      expect((search.body as Bundle).entry ?? []).toEqual([]);
    });
  });

  describe('required bindings', () => {
    it('gender "robot" is refused with 400 naming Patient.gender', async () => {
      const response = await send('post', 'Patient', '{"resourceType":"Patient","gender":"robot"}').expect(400);
      expect(response.body.issue[0]).toMatchObject({ code: 'code-invalid', expression: ['Patient.gender'] });
      expect(diagnostics(response.body)).not.toContain('robot');
    });

    it('every administrative-gender code is accepted', async () => {
      for (const gender of ['male', 'female', 'other', 'unknown']) {
        await send('post', 'Patient', JSON.stringify({ resourceType: 'Patient', gender })).expect(201);
      }
    });

    it('Observation.status outside observation-status is refused', async () => {
      const body = JSON.stringify({ resourceType: 'Observation', status: 'bogus', code: { text: 'x' } });
      const response = await send('post', 'Observation', body).expect(400);
      expect(response.body.issue[0].expression).toEqual(['Observation.status']);
    });
  });

  describe('PATCH', () => {
    it('a failed test op answers 400 naming the op, never the stored resource', async () => {
      const ops = JSON.stringify([{ op: 'test', path: '/birthDate', value: 'x' }]);
      const response = await send('patch', `Patient/${patient.id}`, ops, PATCH).expect(400);
      expect(diagnostics(response.body)).toBe('JSON Patch operation 0 (test): the test failed');
      expect(JSON.stringify(response.body)).not.toContain(PHI);
    });

    it.each([
      ['/__proto__/x', [{ op: 'add', path: '/__proto__/x', value: 1 }]],
      ['/name/0/constructor/prototype', [{ op: 'add', path: '/name/0/constructor/prototype', value: 1 }]],
      ['/id', [{ op: 'replace', path: '/id', value: 'other' }]],
    ])('a patch on %s is refused with 400', async (_, ops) => {
      const response = await send('patch', `Patient/${patient.id}`, JSON.stringify(ops), PATCH).expect(400);
      expect(response.body.issue[0].expression).toEqual(['patch[0]']);
      expect((await read()).meta?.versionId).toBe('1');
    });

    it('a move into its own child is refused with 400', async () => {
      const ops = JSON.stringify([{ op: 'move', from: '/name', path: '/name/0/given' }]);
      const response = await send('patch', `Patient/${patient.id}`, ops, PATCH).expect(400);
      expect(diagnostics(response.body)).toBe('JSON Patch operation 0 (move): cannot move /name into its own child');
    });

    it('an unresolvable path names the op index and type', async () => {
      const ops = JSON.stringify([
        { op: 'replace', path: '/birthDate', value: '1961-04-13' },
        { op: 'remove', path: '/telecom/5' },
      ]);
      const response = await send('patch', `Patient/${patient.id}`, ops, PATCH).expect(400);
      expect(diagnostics(response.body)).toBe('JSON Patch operation 1 (remove): its path does not exist');
      expect((await read()).birthDate).toBe('1961-04-12');
    });

    it('an empty patch [] creates no new version', async () => {
      const response = await send('patch', `Patient/${patient.id}`, '[]', PATCH).expect(200);
      expect(response.body.meta.versionId).toBe('1');
      expect((await read()).meta?.versionId).toBe('1');
    });
  });

  describe('transaction bundles', () => {
    const transaction = (entry: unknown[]) =>
      http
        .post('/fhir/local')
        .set('content-type', FHIR)
        .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
    const post = (fullUrl: string, resourceType: string, family?: string) => ({
      fullUrl,
      request: { method: 'POST', url: resourceType },
      resource: { resourceType, ...(family ? { name: [{ family }] } : {}) },
    });

    it('an entry with method FOO: 400 naming the entry, nothing written', async () => {
      const response = await transaction([
        post('urn:uuid:0b1b0d0e-0000-4000-8000-000000000001', 'Patient', 'Foo-Method'),
        { request: { method: 'FOO', url: 'Patient' } },
      ]).expect(400);
      expect(response.body.issue[0].expression).toEqual(['Bundle.entry[1].request.method']);
      const search = await http.get('/fhir/local/Patient?family=Foo-Method').expect(200);
      expect((search.body as Bundle).entry ?? []).toEqual([]);
    });

    it.each([
      ['the same type', 'Patient'],
      ['different types', 'Practitioner'],
    ])('two entries with the same fullUrl, %s: 400, nothing written', async (_, second) => {
      const fullUrl = 'urn:uuid:0b1b0d0e-0000-4000-8000-000000000002';
      const response = await transaction([
        post(fullUrl, 'Patient', 'Dup-Url'),
        post(fullUrl, second, 'Dup-Url'),
      ]).expect(400);
      expect(diagnostics(response.body)).toBe('Bundle entries 0 and 1 have the same fullUrl');
      const search = await http.get('/fhir/local/Patient?family=Dup-Url').expect(200);
      expect((search.body as Bundle).entry ?? []).toEqual([]);
    });

    it('more entries than FHIR_STORE_MAX_BUNDLE_ENTRIES: 400, nothing written', async () => {
      const entries = Array.from({ length: 21 }, (_, i) =>
        post(`urn:uuid:0b1b0d0e-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`, 'Patient', 'Too-Many'),
      );
      const response = await transaction(entries).expect(400);
      expect(diagnostics(response.body)).toBe('The Bundle has 21 entries; at most 20 are allowed');
      const search = await http.get('/fhir/local/Patient?family=Too-Many').expect(200);
      expect((search.body as Bundle).entry ?? []).toEqual([]);
    });
  });
});
