import type { INestApplication } from '@nestjs/common';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';

const FHIR = 'application/fhir+json';
const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const sortRules = (count: number) => Array.from({ length: count }, (_, i) => (i % 2 ? '-date' : 'code')).join(',');
const linkOf = (bundle: Bundle, relation: string) => bundle.link?.find((link) => link.relation === relation)?.url;

describe('Security: bounded work per request (e2e)', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    app = await createTestGateway();
    http = request(app.getHttpServer());
  }, 60_000);
  afterAll(async () => app.close());

  it('100,000-deep JSON inside a transaction entry: 400 OperationOutcome, not a stack overflow', async () => {
    const body = `{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","extension":${deepJson(100_000)}}}]}`;
    const response = await http.post('/fhir/local').set('content-type', 'application/fhir+json').send(body).expect(400);
    expect(response.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ diagnostics: 'The JSON body nests deeper than 100 levels' }],
    });
  });

  it('100,000-deep JSON in a CDS body: 400', async () => {
    const body = `{"hook":"patient-view","context":${deepJson(100_000)}}`;
    const response = await http.post('/cds-services/vitals-review').set('content-type', 'application/json').send(body);
    expect(response.status).toBe(400);
  });

  it('a 100,000-deep SOAP envelope is a soap:Client fault (Epic retries Server faults)', async () => {
    const envelope =
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' +
      '<a>'.repeat(100_000) +
      '</a>'.repeat(100_000) +
      '</soapenv:Body></soapenv:Envelope>';
    const response = await http
      .post('/notereader')
      .set({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"ProcessDocument"' })
      .send(envelope)
      .expect(500);
    expect(response.text).toContain('<faultcode>soap:Client</faultcode>');
  });

  it('a malformed SOAP envelope is a soap:Client fault', async () => {
    const response = await http
      .post('/notereader')
      .set({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"ProcessDocument"' })
      .send('<soapenv:Envelope><unclosed>')
      .expect(500);
    expect(response.text).toContain('<faultcode>soap:Client</faultcode>');
  });

  describe('sort abuse', () => {
    it('1,000 _sort rules in a form body (POST _search, no credentials): 400 naming _sort', async () => {
      const body = `_count=1&_sort=${sortRules(1000)}`;
      const response = await http
        .post('/fhir/local/Observation/_search')
        .set('content-type', 'application/x-www-form-urlencoded')
        .send(body)
        .expect(400);
      const outcome = response.body as OperationOutcome;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0].diagnostics).toContain('_sort');
      expect(outcome.issue[0].diagnostics).not.toContain('-date,code');
    });

    it('450 _sort rules in a 4 KB GET: 400 naming _sort', async () => {
      const response = await http.get(`/fhir/local/Observation?_count=1&_sort=${sortRules(450)}`).expect(400);
      expect((response.body as OperationOutcome).issue[0].diagnostics).toContain('_sort');
    });
  });

  it('a 5,000-entry transaction: 400 before any entry runs (default cap 1,000), nothing written', async () => {
    const entry = {
      request: { method: 'POST', url: 'Patient' },
      resource: { resourceType: 'Patient', name: [{ family: 'Five-Thousand' }] },
    };
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: Array.from({ length: 5000 }, () => entry) };
    const response = await http.post('/fhir/local').set('content-type', FHIR).send(JSON.stringify(bundle)).expect(400);
    expect((response.body as OperationOutcome).issue[0].diagnostics).toBe(
      'The Bundle has 5000 entries; at most 1000 are allowed',
    );
    const search = await http.get('/fhir/local/Patient?family=Five-Thousand&_summary=count').expect(200);
    expect((search.body as Bundle).total).toBe(0);
  });

  describe('paging that never ends (fhirclient follows next until there is none)', () => {
    it('_count=0: no next link', async () => {
      const bundle = (await http.get('/fhir/local/Patient?_count=0').expect(200)).body as Bundle;
      expect(bundle.entry ?? []).toEqual([]);
      expect(linkOf(bundle, 'next')).toBeUndefined();
    });

    it('_summary=count: no next link', async () => {
      const bundle = (await http.get('/fhir/local/Patient?_summary=count&_count=1').expect(200)).body as Bundle;
      expect(bundle.total).toBe(3);
      expect(linkOf(bundle, 'next')).toBeUndefined();
    });

    it('next never equals self: _count=1 over the 3 seeded patients ends after 3 pages', async () => {
      const seen: string[] = [];
      let path: string | undefined = '/fhir/local/Patient?_count=1';
      for (let page = 0; path && page < 5; page++) {
        const bundle = (await http.get(path).expect(200)).body as Bundle;
        const next = linkOf(bundle, 'next');
        expect(next).not.toBe(linkOf(bundle, 'self'));
        seen.push(...(bundle.entry ?? []).map((entry) => entry.resource!.id!));
        path = next && new URL(next).pathname + new URL(next).search;
      }
      expect(path).toBeUndefined();
      expect(new Set(seen).size).toBe(3);
    });
  });
});
