import { Injectable, INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { CdaDocument, createCdaDocument } from '@ehr-gateway/cda';
import { EventsModule } from '@ehr-gateway/events';
import request from 'supertest';
import { NoteReaderHandler } from './decorators';
import type { NoteReaderModuleOptions, NoteReaderRequest, NoteReaderResult } from './interfaces';
import { NoteReaderModule } from './notereader.module';

@Injectable()
class ThrowingHandler {
  @NoteReaderHandler()
  handle(): never {
    throw new Error('model offline');
  }
}

async function fixtureApp(
  options: NoteReaderModuleOptions & { path?: string },
  providers: unknown[] = [ThrowingHandler],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [EventsModule.forRoot({}), NoteReaderModule.forRoot(options)],
    providers: providers as never[],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  app.useBodyParser('text', { type: 'text/xml' });
  await app.init();
  return app;
}

const note = createCdaDocument({
  patient: { resourceType: 'Patient', name: [{ family: 'Test' }] },
  notes: [{ loinc: '51847-2', title: 'A&P', text: 'Fine.' }],
});
const body =
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ProcessDocument xmlns="urn:epic-com:Common.2013.Services">' +
  `<Document>${Buffer.from(note.serialize()).toString('base64')}</Document></ProcessDocument></s:Body></s:Envelope>`;

describe('NoteReaderModule', () => {
  let app: INestApplication | undefined;
  afterEach(async () => app?.close());

  const post = (path = '/notereader') =>
    request(app!.getHttpServer()).post(path).set('Content-Type', 'text/xml').send(body);

  it('turns a throwing handler into a soap:Server fault by default', async () => {
    app = await fixtureApp({});
    const response = await post().expect(500);
    expect(response.text).toContain(
      '<faultcode>soap:Server</faultcode><faultstring>The NoteReader handler failed: model offline</faultstring>',
    );
  });

  it('answers with the Error element and the note unchanged in error-element mode, at a configured path', async () => {
    app = await fixtureApp({ handlerErrors: 'error-element', path: 'epic/notereader' });
    const response = await post('/epic/notereader').expect(200);
    expect(response.text).toContain('<Error>The NoteReader handler failed: model offline</Error>');
    const document = response.text.match(/<Document>([^<]+)<\/Document>/)![1];
    expect(Buffer.from(document, 'base64').toString()).toBe(note.serialize());
  });

  it('refuses two handlers at boot', async () => {
    @Injectable()
    class SecondHandler {
      @NoteReaderHandler()
      handle() {
        return {};
      }
    }
    await expect(fixtureApp({}, [ThrowingHandler, SecondHandler])).rejects.toThrow(
      /@NoteReaderHandler\(\) is declared twice \(ThrowingHandler\.handle and SecondHandler\.handle\)/,
    );
  });

  describe('large messages, read in worker threads (threshold 0: every message)', () => {
    const hypertension = {
      resourceType: 'Condition' as const,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertensive disorder' }] },
      subject: { reference: 'Patient/p' },
    };
    const seen: { detached: boolean; notes: number; narrative: string }[] = [];

    @Injectable()
    class EnrichingHandler {
      @NoteReaderHandler()
      handle({ document, fhir }: NoteReaderRequest): NoteReaderResult {
        seen.push({
          detached: document.unparsed() !== undefined,
          notes: fhir.notes.length,
          narrative: document.sections()[0].text,
        });
        return { resources: [hypertension] };
      }
    }
    const documentOf = (response: request.Response) =>
      Buffer.from(response.text.match(/<Document>([^<]+)<\/Document>/)![1], 'base64').toString();

    it('hands the handler the parsed note and answers as in process, the enriched document serialized there too', async () => {
      app = await fixtureApp({ workerThresholdBytes: 0 }, [EnrichingHandler]);
      const inWorker = documentOf(await post().expect(200));
      expect(seen).toEqual([{ detached: true, notes: 1, narrative: 'Fine.' }]);
      const expected = CdaDocument.parse(note.serialize());
      expected.addResources([hypertension]);
      const withoutIds = (xml: string) => xml.replace(/<id root="[0-9a-f-]{36}">/g, '<id>');
      expect(withoutIds(inWorker)).toBe(withoutIds(expected.serialize()));
    });

    it('answers the same soap:Client faults for a malformed envelope and for a document that is not CDA', async () => {
      app = await fixtureApp({ workerThresholdBytes: 0 }, [EnrichingHandler]);
      const malformed = await request(app.getHttpServer())
        .post('/notereader')
        .set('Content-Type', 'text/xml')
        .send('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>')
        .expect(500);
      expect(malformed.text).toContain('<faultcode>soap:Client</faultcode><faultstring>Malformed XML: ');
      const notCda = body.replace(/<Document>[^<]+</, `<Document>${Buffer.from('<Patient/>').toString('base64')}<`);
      const refused = await request(app.getHttpServer())
        .post('/notereader')
        .set('Content-Type', 'text/xml')
        .send(notCda)
        .expect(500);
      expect(refused.text).toContain(
        '<faultcode>soap:Client</faultcode><faultstring>Document is not a usable CDA document: Not a CDA document: the root element is not &lt;ClinicalDocument&gt;</faultstring>',
      );
    });
  });
});
