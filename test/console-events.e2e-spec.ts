import type { INestApplication } from '@nestjs/common';
import { EHREventType } from '@ehr-gateway/events';
import request from 'supertest';
import { EventLogModule, eventsOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';
import { SseClient } from './support/sse-client';

type FhirKitClient = import('fhir-kit-client').Client;

const API_KEY = 'console-test-key-0123456789';
const auth = { 'x-api-key': API_KEY };
const isEhr = (message: { event?: string }) => message.event === 'ehr';

describe('console event stream (e2e)', () => {
  let app: INestApplication;
  let base: string;
  let fhir: FhirKitClient;
  let logged: ReturnType<typeof eventsOf>;
  const clients: SseClient[] = [];
  const connect = async (query = '', headers: Record<string, string> = auth) => {
    const client = await SseClient.connect(`${base}/events/stream${query}`, headers);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // Resource bodies in in-process events: the stream must still strip them.
    app = await createTestGateway({ GATEWAY_API_KEYS: API_KEY, FHIR_EVENTS_INCLUDE_RESOURCE: 'true' }, [
      EventLogModule,
    ]);
    logged = eventsOf(app);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    const { Client } = await import('fhir-kit-client');
    fhir = new Client({ baseUrl: `${base}/fhir/local`, customHeaders: auth });
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(async () => app.close());

  const firstPatientId = async () => {
    const bundle = (await fhir.search({ resourceType: 'Patient', searchParams: { _count: '1' } })) as unknown as {
      entry: Array<{ resource: { id: string } }>;
    };
    return bundle.entry[0].resource.id;
  };

  it('is behind the API guard', async () => {
    const anonymous = await connect('', {});
    expect(anonymous.response.status).toBe(401);
    const wrongKey = await connect('', { 'x-api-key': 'not-the-key-0123456789' });
    expect(wrongKey.response.status).toBe(401);
  });

  it('streams the events matching the pattern, as SSE with the event id, without resource bodies', async () => {
    const patientId = await firstPatientId();
    const viewer = await connect('?pattern=fhir.patient.*');
    expect(viewer.response.status).toBe(200);
    expect(viewer.response.headers.get('content-type')).toMatch(/^text\/event-stream/);

    await fhir.search({ resourceType: 'Observation', searchParams: { _count: '1' } });
    await fhir.read({ resourceType: 'Patient', id: patientId });
    await viewer.waitFor(isEhr);

    expect(viewer.events).toHaveLength(1);
    const [event] = viewer.events;
    expect(event).toMatchObject({
      eventType: 'fhir.read',
      sourceSystem: 'local',
      payload: { operation: 'read', resourceType: 'Patient', resourceId: patientId, outcome: 'success', status: 200 },
    });
    expect(event.payload).not.toHaveProperty('resource');
    expect(viewer.messages.find(isEhr)?.id).toBe((event as { id: string }).id);
  });

  it('takes several patterns and delivers an event once even when more than one matches', async () => {
    const patientId = await firstPatientId();
    const viewer = await connect('?pattern=fhir.read,fhir.*.read&pattern=**');
    await fhir.read({ resourceType: 'Patient', id: patientId });
    await viewer.waitFor(isEhr);
    await request(app.getHttpServer()).get('/cds-services').set(auth).expect(200);
    await fhir.read({ resourceType: 'Patient', id: patientId });
    await viewer.waitFor(isEhr, 2);
    expect(viewer.events.map((event) => event.eventType)).toEqual(['fhir.read', 'fhir.read']);
  });

  it('refuses malformed patterns and patterns that can match nothing, naming the parameter only', async () => {
    const server = app.getHttpServer();
    const malformed = await request(server).get('/events/stream?pattern=fhir..read').set(auth).expect(400);
    expect(malformed.body.message).toMatch(/^pattern\[0\]: must be/);
    // CDS event names have three segments, so `cds.*` matches none of them.
    const unmatchable = await request(server).get('/events/stream?pattern=fhir.read,cds.*').set(auth).expect(400);
    expect(unmatchable.body.message).toBe("pattern[1]: can match no EHR event; did you mean 'cds.**'?");
    const tooMany = await request(server)
      .get(`/events/stream?pattern=${Array(11).fill('fhir.read').join(',')}`)
      .set(auth)
      .expect(400);
    expect(tooMany.body.message).toBe('pattern: at most 10 patterns');
  });

  it('resumes after Last-Event-ID with exactly the events missed, in order', async () => {
    const patientId = await firstPatientId();
    const first = await connect('?pattern=fhir.patient.read');
    await fhir.read({ resourceType: 'Patient', id: patientId });
    await first.waitFor(isEhr);
    const lastSeen = first.messages.find(isEhr)!.id!;
    first.close();
    await logged();

    // Missed while disconnected: two reads and a search (which the pattern excludes).
    await fhir.read({ resourceType: 'Patient', id: patientId });
    await fhir.search({ resourceType: 'Patient', searchParams: { _count: '1' } });
    await fhir.read({ resourceType: 'Patient', id: patientId });
    const missedIds = (await logged())
      .filter((event) => event.eventType === EHREventType.FHIR_READ)
      .map((event) => event.id);
    expect(missedIds).toHaveLength(2);

    const resumed = await connect('?pattern=fhir.patient.read', { ...auth, 'last-event-id': lastSeen });
    await resumed.waitFor(isEhr, 2);
    expect(resumed.messages.filter(isEhr).map((message) => message.id)).toEqual(missedIds);
    expect(resumed.messages.some((message) => message.event === 'gap')).toBe(false);
  });

  it('says when a resume point is older than the replay buffer', async () => {
    const resumed = await connect('?pattern=fhir.patient.read', {
      ...auth,
      'last-event-id': '00000000-0000-7000-8000-000000000000',
    });
    await resumed.waitFor((message) => message.event === 'gap');
    expect(resumed.messages[0].event).toBe('gap');
  });

  it('reports viewers, listener failures, broker state and rates per type', async () => {
    await connect();
    const { body } = await request(app.getHttpServer()).get('/events/status').set(auth).expect(200);
    expect(body).toMatchObject({ viewers: 1, listenerFailures: 0 });
    expect(body.broker).toBeUndefined();
    expect(body.rates.minutes).toHaveLength(15);
    expect(body.rates.types['fhir.read'].events[14]).toBeGreaterThan(0);
    await request(app.getHttpServer()).get('/events/status').expect(401);
  });
});
