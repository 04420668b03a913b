import { NoteWorkerPool } from '@ehr-gateway/notereader';
import request from 'supertest';
import { createTestGateway } from './support/gateway-app';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const EPIC = 'urn:epic-com:Common.2013.Services';

// Red team, unconfirmed: "SIGTERM did not stop the gateway while workers were busy". SIGTERM runs app.close().
it('closes while a worker reads a note, answering that call with a soap:Server fault', async () => {
  const app = await createTestGateway({ NOTEREADER_WORKER_THRESHOLD_BYTES: '0' });
  await app.listen(0, '127.0.0.1');
  const pool = app.get(NoteWorkerPool);
  // Hundreds of thousands of elements: a worker busy for a long while.
  const heavy = `<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a/>'.repeat(500_000)}</ClinicalDocument>`;
  const body =
    `<s:Envelope xmlns:s="${SOAP}"><s:Body><ProcessDocument xmlns="${EPIC}">` +
    `<Document>${Buffer.from(heavy).toString('base64')}</Document></ProcessDocument></s:Body></s:Envelope>`;
  const read = pool.read.bind(pool);
  const handedToWorker = new Promise<void>((resolve) =>
    jest.spyOn(pool, 'read').mockImplementation((...args) => {
      const reading = read(...args);
      resolve();
      return reading;
    }),
  );
  const answer = request(app.getHttpServer()).post('/notereader').set('Content-Type', 'text/xml').send(body).then();
  await handedToWorker;
  await app.close();
  const response = await answer;
  expect(response.status).toBe(500);
  expect(response.text).toContain('<faultcode>soap:Server</faultcode>');
}, 60_000);
