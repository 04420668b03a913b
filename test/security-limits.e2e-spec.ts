import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';

const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

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
});
