import type { INestApplication } from '@nestjs/common';
import { CdaDocument, createCdaDocument } from '@ehr-gateway/cda';
import { EHREvent, EHREventType } from '@ehr-gateway/events';
import type { Condition, Patient } from '@medplum/fhirtypes';
import { createClientAsync } from 'soap';
import request from 'supertest';
import { EventLogModule, eventsOf } from './support/event-log';
import { sharedFixtures } from './support/fixtures';
import { createTestGateway } from './support/gateway-app';

const patient: Patient = {
  resourceType: 'Patient',
  identifier: [{ value: 'MRN-1' }],
  name: [{ given: ['Ada'], family: 'Okafor' }],
  gender: 'female',
};
const hypertension: Condition = {
  resourceType: 'Condition',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertensive disorder' }] },
  subject: { reference: 'Patient/p' },
};
const NOTE =
  'Patient reports chest pain on exertion and a dry cough. Denies fever. No shortness of breath.\n' +
  'History of hypertension, well controlled. Assessment: possible pneumonia.';

function signedNote(): string {
  return createCdaDocument({
    patient,
    notes: [{ loinc: '51847-2', title: 'Assessment and plan', text: NOTE }],
    entries: [hypertension],
  }).serialize();
}

function envelope(documentBase64: string | undefined, extra = ''): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:epic-com:Common.2013.Services">' +
    `<soapenv:Body><urn:ProcessDocument><urn:SessionID>S-1</urn:SessionID><urn:WorkType>2</urn:WorkType><urn:OrganizationID>UCLH</urn:OrganizationID>${
      documentBase64 === undefined ? '' : `<urn:Document>${documentBase64}</urn:Document>`
    }${extra}</urn:ProcessDocument></soapenv:Body></soapenv:Envelope>`
  );
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('NoteReader (e2e)', () => {
  let app: INestApplication;
  let url: string;
  let events: () => Promise<EHREvent[]>;

  beforeAll(async () => {
    app = await createTestGateway({}, [EventLogModule]);
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/notereader`;
    events = eventsOf(app);
  });
  afterAll(async () => app.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    request(app.getHttpServer())
      .post('/notereader')
      .set({ 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"ProcessDocument"', ...headers })
      .send(body);

  it('serves its WSDL with the real address, and a node-soap client gets the note back enriched', async () => {
    const wsdl = await request(app.getHttpServer()).get('/notereader?wsdl').expect(200);
    expect(wsdl.headers['content-type']).toMatch(/text\/xml/);
    expect(wsdl.text).toContain(`<soap:address location="${url}"/>`);

    const client = await createClientAsync(`${url}?wsdl`);
    const [result] = (await client.ProcessDocumentAsync({
      SessionID: 'S-1',
      WorkType: '2',
      OrganizationID: 'UCLH',
      Document: b64(signedNote()),
    })) as [{ ProcessDocumentResult: { Document: string; Error?: string } }];
    const enriched = CdaDocument.parse(Buffer.from(result.ProcessDocumentResult.Document, 'base64').toString());
    const codes = enriched.toFhir().conditions.map((c) => c.code?.coding?.[0].code);
    // hypertension was on the list already; chest pain, cough and pneumonia are added; fever and dyspnea are negated
    expect(codes).toEqual(['38341003', '29857009', '49727002', '233604007']);
    expect(result.ProcessDocumentResult.Error).toBeUndefined();

    const [signed, processed] = await events();
    expect(signed).toMatchObject({
      eventType: 'notereader.sign.note',
      payload: {
        sessionId: 'S-1',
        workType: '2',
        organizationId: 'UCLH',
        documentType: '11506-3',
        sections: ['51847-2', '11450-4'],
      },
    });
    expect(processed).toMatchObject({
      eventType: 'notereader.process.note',
      payload: {
        operation: 'ProcessDocument',
        outcome: 'success',
        status: 200,
        resourcesAdded: { Condition: 3 },
        durationMs: expect.any(Number),
      },
    });
    expect(JSON.stringify([signed, processed])).not.toMatch(/chest pain|Okafor/);
  });

  it('accepts a raw Epic-style envelope with only the Document', async () => {
    const raw =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<ProcessDocument xmlns="urn:epic-com:Common.2013.Services"><Document>${b64(signedNote())}</Document></ProcessDocument>` +
      '</soap:Body></soap:Envelope>';
    const response = await post(raw).expect(200);
    expect(response.text).toMatch(
      /<ProcessDocumentResponse xmlns="urn:epic-com:Common.2013.Services"><ProcessDocumentResult><Document>/,
    );
    await events();
  });

  describe('faults', () => {
    async function expectFault(
      body: string,
      code: 'Client' | 'Server',
      message: RegExp | string,
      headers?: Record<string, string>,
    ) {
      const response = await post(body, headers);
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toMatch(/text\/xml/);
      expect(response.text).toMatch(
        /<soap:Envelope xmlns:soap="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/"><soap:Body><soap:Fault>/,
      );
      expect(response.text).toContain(`<faultcode>soap:${code}</faultcode>`);
      expect(response.text).toMatch(message);
      return response;
    }

    it('answers malformed, foreign and incomplete messages with soap:Client faults that name the problem', async () => {
      await expectFault(
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>',
        'Client',
        /Malformed XML/,
      );
      await expectFault(
        '<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body/></Envelope>',
        'Client',
        /Not a SOAP 1\.1 envelope/,
      );
      await expectFault(
        envelope(b64(signedNote())).replace(/ProcessDocument/g, 'DeleteDocument'),
        'Client',
        '<faultstring>Unknown operation; this endpoint serves ProcessDocument in urn:epic-com:Common.2013.Services</faultstring>',
      );
      await expectFault(envelope(b64(signedNote())), 'Client', /Unknown SOAPAction/, {
        SOAPAction: '"DeleteDocument"',
      });
      await expectFault(envelope(undefined), 'Client', /ProcessDocument has no Document/);
      await expectFault(envelope('testing'), 'Client', /Document is not valid base64/);
      await expectFault(
        envelope(b64('testing, not a CDA document')),
        'Client',
        /Document is not a usable CDA document/,
      );
      await expectFault(
        envelope(b64('<Patient xmlns="http://hl7.org/fhir"/>')),
        'Client',
        /the root element is not &lt;ClinicalDocument&gt;/,
      );
      const failures = (await events()).filter((e) => e.eventType === EHREventType.NOTEREADER_PROCESS_NOTE);
      expect(failures).toHaveLength(8);
      expect(failures.every((e) => e.payload.outcome === 'failure' && e.payload.status === 500)).toBe(true);
    });

    it('refuses DTDs without expanding or fetching them (billion laughs, external entity)', async () => {
      const laughs =
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>' +
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&lol2;</soap:Body></soap:Envelope>';
      await expectFault(laughs, 'Client', /DTD \(DOCTYPE or ENTITY declaration\) is not accepted/);
      const xxeDocument =
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3">&xxe;</ClinicalDocument>';
      const response = await expectFault(
        envelope(b64(xxeDocument)),
        'Client',
        /DTD \(DOCTYPE or ENTITY declaration\) is not accepted/,
      );
      expect(response.text).not.toContain('root:');
      await events();
    });

    it('refuses an oversized message', async () => {
      await expectFault(
        envelope(b64(`<ClinicalDocument xmlns="urn:hl7-org:v3">${'x'.repeat(8 * 1024 * 1024)}</ClinicalDocument>`)),
        'Client',
        /exceeds the size limit/,
      );
      await events();
    });
  });

  const fixtures = sharedFixtures('soap', '.xml');
  (fixtures ? it : it.skip)(
    "answers the shared raw envelope (its Document is the word 'testing') with a fault naming it",
    async () => {
      const raw = fixtures!.find((file) => file.name === 'process-document-request.xml')!.text;
      const response = await post(raw);
      expect(response.status).toBe(500);
      expect(response.text).toMatch(
        /<faultcode>soap:Client<\/faultcode><faultstring>Document is not a usable CDA document/,
      );
      await events();
    },
  );
});
