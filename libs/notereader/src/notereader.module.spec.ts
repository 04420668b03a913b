import { Injectable, INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { createCdaDocument } from '@ehr-gateway/cda';
import { EventsModule } from '@ehr-gateway/events';
import request from 'supertest';
import { NoteReaderHandler } from './decorators';
import type { NoteReaderModuleOptions } from './interfaces';
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
});
