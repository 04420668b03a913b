import type { INestApplication } from '@nestjs/common';
import { CdaDocument, createCdaDocument } from '@ehr-gateway/cda';
import type { EHREvent } from '@ehr-gateway/events';
import { NoteWorkerPool } from '@ehr-gateway/notereader';
import request from 'supertest';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';

/** Red-team findings on NoteReader, the body parsers and the console's assets (2026-12-05), one attack per test. */

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const EPIC = 'urn:epic-com:Common.2013.Services';
const XML = { 'Content-Type': 'text/xml; charset=utf-8' };

const envelope = (documentBase64: string) =>
  `<s:Envelope xmlns:s="${SOAP}"><s:Body><ProcessDocument xmlns="${EPIC}"><SessionID>S-1</SessionID>` +
  `<Document>${documentBase64}</Document></ProcessDocument></s:Body></s:Envelope>`;

/** The red team's finding-2 message: 2,000 namespace declarations and 8,000 children (63 KB). */
const nsEnvelope = () =>
  `<s:Envelope xmlns:s="${SOAP}"${Array.from({ length: 2_000 }, (_, i) => ` xmlns:p${i}="u"`).join('')}>` +
  `${'<a/>'.repeat(8_000)}<s:Body><ProcessDocument xmlns="${EPIC}"><Document>PENsaW5pY2FsRG9jdW1lbnQvPg==</Document></ProcessDocument></s:Body></s:Envelope>`;

const note = (given: string) =>
  createCdaDocument({
    patient: { resourceType: 'Patient', id: 'p', name: [{ given: [given], family: 'Dupont' }] },
    notes: [{ loinc: '51847-2', title: 'Assessment and plan', text: 'Stable.' }],
  }).serialize();

const faultString = (text: string) => /<faultstring>([^<]*)<\/faultstring>/.exec(text)?.[1];

describe('NoteReader and body parsers under attack (red-team findings)', () => {
  describe('with a credential and every message in the worker pool', () => {
    const USERNAME = 'epic-notereader';
    const PASSWORD = 'correct horse battery staple';
    const basic = { Authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}` };
    let app: INestApplication;
    let pool: NoteWorkerPool;

    beforeAll(async () => {
      app = await createTestGateway({
        NOTEREADER_USERNAME: USERNAME,
        NOTEREADER_PASSWORD: PASSWORD,
        NOTEREADER_WORKER_THRESHOLD_BYTES: '0',
        NOTEREADER_WORKER_TIMEOUT_MS: '200',
      });
      await app.listen(0, '127.0.0.1');
      pool = app.get(NoteWorkerPool);
    });
    afterAll(async () => app?.close());
    afterEach(() => jest.restoreAllMocks());

    it('anonymous 71 KB messages (finding 4) are refused before any worker reads them', async () => {
      const read = jest.spyOn(pool, 'read');
      const large = envelope(Buffer.from(`${note('Anne')}<!-- ${'padding '.repeat(6_000)} -->`).toString('base64'));
      expect(large.length).toBeGreaterThan(64 * 1024);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => request(app.getHttpServer()).post('/notereader').set(XML).send(large)),
      );
      expect(answers.map((answer) => [answer.status, faultString(answer.text)])).toEqual(
        Array(6).fill([500, 'Authentication required: HTTP Basic or a WS-Security UsernameToken']),
      );
      const wrong = await request(app.getHttpServer())
        .post('/notereader')
        .set({ ...XML, Authorization: `Basic ${Buffer.from(`${USERNAME}:wrong`).toString('base64')}` })
        .send(nsEnvelope());
      expect(faultString(wrong.text)).toBe('Authentication failed');
      expect(read).not.toHaveBeenCalled();
    });

    it('a worker task that outlives NOTEREADER_WORKER_TIMEOUT_MS is stopped with a soap:Server fault naming the limit', async () => {
      // A million elements: seconds of parsing in a worker, far beyond 200 ms on any machine.
      const heavy = `<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a/>'.repeat(1_000_000)}</ClinicalDocument>`;
      const answer = await request(app.getHttpServer())
        .post('/notereader')
        .set({ ...XML, ...basic })
        .send(envelope(Buffer.from(heavy).toString('base64')));
      expect(answer.status).toBe(500);
      expect(answer.text).toContain('<faultcode>soap:Server</faultcode>');
      expect(faultString(answer.text)).toBe('NoteReader gave up on the note after 200 ms: retry later');
      await request(app.getHttpServer()).get('/health').expect(200);
    });
  });

  describe('without a credential, in process', () => {
    let app: INestApplication;
    let events: () => Promise<EHREvent[]>;

    beforeAll(async () => {
      app = await createTestGateway({}, [EventLogModule]);
      events = eventsOf(app);
    });
    afterAll(async () => app?.close());

    const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
      request(app.getHttpServer())
        .post('/notereader')
        .set({ ...XML, ...headers })
        .send(body);

    it('the finding-2 envelope (2,000 xmlns x 8,000 children, 63 KB: read in process) is refused naming the limit', async () => {
      const refused = await post(nsEnvelope());
      expect(refused.status).toBe(500);
      expect(faultString(refused.text)).toBe('An XML element has more than 50 attributes');
      await request(app.getHttpServer()).get('/health').expect(200);
      await events();
    });

    it('a SOAPAction or an operation carrying patient data (finding 17) is refused in fixed words, in the fault and in events', async () => {
      await events();
      const action = await post(envelope(Buffer.from(note('Anne')).toString('base64')), {
        SOAPAction: '"Patient John Smith MRN 12345"',
      });
      expect(faultString(action.text)).toBe('Unknown SOAPAction; this endpoint serves ProcessDocument');
      const operation = await post(
        `<s:Envelope xmlns:s="${SOAP}"><s:Body><JaneDoe1980 xmlns="urn:ssn:123-45-6789"><Document>PENsaW5pY2FsRG9jdW1lbnQvPg==</Document></JaneDoe1980></s:Body></s:Envelope>`,
      );
      expect(faultString(operation.text)).toBe(`Unknown operation; this endpoint serves ProcessDocument in ${EPIC}`);
      const recorded = JSON.stringify(await events());
      expect(recorded).toContain('Unknown SOAPAction; this endpoint serves ProcessDocument');
      expect(recorded).not.toMatch(/John Smith|12345|JaneDoe1980|123-45-6789/);
    });

    it('SOAPAction "" (SOAP 1.1 section 6.1.1, finding 18) is taken as absent', async () => {
      const answer = await post(envelope(Buffer.from(note('Anne')).toString('base64')), { SOAPAction: '""' });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('<ProcessDocumentResponse xmlns="urn:epic-com:Common.2013.Services">');
      await events();
    });

    describe('a CDA document in another encoding (finding 19)', () => {
      const documentOf = async (bytes: Buffer) => {
        const answer = await post(envelope(bytes.toString('base64')));
        await events();
        expect(answer.status).toBe(200);
        return Buffer.from(/<Document>([^<]*)<\/Document>/.exec(answer.text)![1], 'base64');
      };

      it('ISO-8859-1 "Renée" comes back as Renée, in UTF-8 that says so', async () => {
        const latin = note('Renée').replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
        const bytes = Buffer.from(latin, 'latin1');
        expect(bytes.includes(Buffer.from([0x52, 0x65, 0x6e, 0xe9, 0x65]))).toBe(true); // R e n é(E9) e
        const answer = await documentOf(bytes);
        expect(answer.subarray(0, 38).toString('ascii')).toBe('<?xml version="1.0" encoding="UTF-8"?>');
        expect(answer.includes(Buffer.from([0x52, 0x65, 0x6e, 0xc3, 0xa9, 0x65]))).toBe(true); // é as UTF-8 C3 A9
        expect(CdaDocument.parse(answer.toString('utf8')).toFhir().patient?.name?.[0].given).toEqual(['Renée']);
      });

      it('UTF-16 with a byte order mark comes back as UTF-8 that says so', async () => {
        const utf16 = note('Zoë').replace('encoding="UTF-8"', 'encoding="UTF-16"');
        const answer = await documentOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]));
        expect(answer.subarray(0, 38).toString('ascii')).toBe('<?xml version="1.0" encoding="UTF-8"?>');
        expect(CdaDocument.parse(answer.toString('utf8')).toFhir().patient?.name?.[0].given).toEqual(['Zoë']);
      });

      it('another declared encoding, or bytes invalid in UTF-8, is a soap:Client fault that quotes nothing', async () => {
        const shiftJis = Buffer.from(note('Anne').replace('encoding="UTF-8"', 'encoding="Shift_JIS"'));
        const refused = await post(envelope(shiftJis.toString('base64')));
        expect(faultString(refused.text)).toBe(
          'Document encoding is not supported: send UTF-8, UTF-16 with a byte order mark, or ISO-8859-1',
        );
        const invalid = Buffer.from(note('Renée'), 'latin1'); // declared UTF-8, é as the single byte E9
        const corrupt = await post(envelope(invalid.toString('base64')));
        expect(faultString(corrupt.text)).toBe('Document is not valid UTF-8: declare its encoding, or send UTF-8');
        await events();
      });
    });

    it('an unsupported charset on NoteReader (finding 23) is a soap:Client fault that does not echo it', async () => {
      const answer = await post('<x/>', { 'Content-Type': 'text/xml; charset=FOO-PATIENT' });
      expect(answer.status).toBe(500);
      expect(answer.text).toContain('<faultcode>soap:Client</faultcode>');
      expect(faultString(answer.text)).toBe('Unsupported charset in Content-Type');
      expect(answer.text).not.toContain('FOO-PATIENT');
    });

    it('body-parser refusals elsewhere (finding 23): OperationOutcome under /fhir, a plain problem otherwise, no echo', async () => {
      const charset = await request(app.getHttpServer())
        .post('/fhir/local/Patient')
        .set('Content-Type', 'application/fhir+json; charset=FOO-PATIENT')
        .send('{"resourceType":"Patient"}');
      expect(charset.status).toBe(415);
      expect(JSON.parse(charset.text)).toEqual({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: expect.any(String), diagnostics: 'Unsupported charset in Content-Type' }],
      });
      const form = Array.from({ length: 1_001 }, (_, i) => `name=p${i}`).join('&');
      const tooMany = await request(app.getHttpServer())
        .post('/fhir/local/Patient/_search')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(form);
      expect(tooMany.status).toBe(413);
      expect(JSON.parse(tooMany.text).issue[0].diagnostics).toBe('Too many form parameters');
      const elsewhere = await request(app.getHttpServer())
        .post('/cds-services/x')
        .set('Content-Type', 'application/json; charset=FOO-PATIENT')
        .send('{}');
      expect(elsewhere.status).toBe(415);
      expect(elsewhere.body).toEqual({ statusCode: 415, message: 'Unsupported charset in Content-Type' });
    });

    it('an XML body to a route that reads none (finding 21) is not parsed: /metrics answers 404, not the parser', async () => {
      // Were the XML parser mounted here, this charset would be its 415.
      const answer = await request(app.getHttpServer())
        .post('/metrics')
        .set('Content-Type', 'text/xml; charset=FOO')
        .send('<x/>');
      expect(answer.status).toBe(404);
      const console = await request(app.getHttpServer())
        .post('/console/cda/fhir')
        .set('Content-Type', 'text/xml; charset=FOO')
        .send('<x/>');
      expect(console.status).toBe(415);
    });

    it('GET /console/vendor/constructor, __proto__, toString (finding 22) are 404; a real module is served', async () => {
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        await request(app.getHttpServer()).get(`/console/vendor/${name}`).expect(404);
      }
      const marked = await request(app.getHttpServer()).get('/console/vendor/marked.js').expect(200);
      expect(marked.headers['content-type']).toMatch(/text\/javascript/);
    });
  });
});
