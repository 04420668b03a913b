import { INestApplication, Injectable, OnModuleInit, Provider } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import {
  EHR_EVENT_CREATOR,
  EHREvent,
  EHREventType,
  EhrEventCreator,
  EventDispatcher,
  EventsModule,
  EventsModuleExtras,
  EventsModuleOptions,
  FhirEventType,
  OnEhrEvent,
  OperationContext,
  createEvent,
} from '@ehr-gateway/events';
import request from 'supertest';
import { CapturingLogger } from './support/capturing-logger';
import { EventLog, payloadOf } from './support/event-log';
import { FailingListeners, FixtureOperationsModule, PatternListeners } from './support/events-fixture';

interface FixtureApp {
  app: INestApplication;
  logger: CapturingLogger;
  dispatcher: EventDispatcher;
}

async function createFixtureApp(
  options: EventsModuleOptions & EventsModuleExtras = {},
  providers: Provider[] = [PatternListeners],
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder,
): Promise<FixtureApp> {
  let builder = Test.createTestingModule({
    imports: [EventsModule.forRoot(options), FixtureOperationsModule],
    providers,
  });
  if (override) builder = override(builder);
  const moduleRef = await builder.compile();
  const logger = new CapturingLogger();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  return { app, logger, dispatcher: app.get(EventDispatcher) };
}

describe('events (e2e)', () => {
  let fixture: FixtureApp | undefined;
  afterEach(async () => {
    await fixture?.app.close();
    fixture = undefined;
  });

  describe('routing', () => {
    let listeners: PatternListeners;
    beforeEach(async () => {
      fixture = await createFixtureApp();
      listeners = fixture.app.get(PatternListeners);
    });

    async function perform(path: string) {
      await request(fixture!.app.getHttpServer()).get(path).expect(200);
      await fixture!.dispatcher.idle();
    }

    it('delivers a Patient read to every pattern that names it, once each', async () => {
      await perform('/ops/fhir.read/Patient/p1');
      expect(listeners.received).toEqual({
        'fhir.read': [expect.any(String)],
        'fhir.patient.*': [expect.any(String)],
        'fhir.*.read': [expect.any(String)],
        'fhir.*': [expect.any(String)],
        'fhir.**': [expect.any(String)],
        '**': [expect.any(String)],
        stacked: [expect.any(String)],
      });
      const ids = new Set(Object.values(listeners.received).flat());
      expect(ids.size).toBe(1);
    });

    it('keeps resource-scoped patterns to their resource and operation', async () => {
      await perform('/ops/fhir.search/Observation');
      expect(listeners.count('fhir.read')).toBe(0);
      expect(listeners.count('fhir.patient.*')).toBe(0);
      expect(listeners.count('fhir.*.read')).toBe(0);
      expect(listeners.count('fhir.*')).toBe(1);
      expect(listeners.count('fhir.**')).toBe(1);
      expect(listeners.count('**')).toBe(1);

      await perform('/ops/fhir.update/Patient/p1');
      expect(listeners.count('fhir.patient.*')).toBe(1);
      expect(listeners.count('stacked')).toBe(1);
    });

    it('reaches three-segment CDS names with cds.** but never with cds.*, and warns about cds.*', async () => {
      await perform('/ops/cds.patient.view');
      expect(listeners.count('cds.**')).toBe(1);
      expect(listeners.count('**')).toBe(1);
      expect(listeners.count('cds.*')).toBe(0);
      expect(listeners.count('fhir.**')).toBe(0);
      expect(fixture!.logger.messages('warn')).toContain(
        "@OnEvent('cds.*') on PatternListeners.onMistyped can match no EHR event; did you mean 'cds.**'?",
      );
    });

    it('emits a FHIR event without a resource type under its type name only', async () => {
      await perform('/ops/fhir.read');
      expect(listeners.count('fhir.read')).toBe(1);
      expect(listeners.count('fhir.*.read')).toBe(0);
      expect(listeners.count('stacked')).toBe(1);
    });
  });

  describe('registration styles', () => {
    /** Registers on the injected EventEmitter2 every way a host app can, recording what each function got. */
    @Injectable()
    class EmitterListeners implements OnModuleInit {
      readonly calls: Record<string, unknown[][]> = {};
      constructor(readonly emitter: EventEmitter2) {}

      onModuleInit() {
        const record =
          (key: string) =>
          (...args: unknown[]) =>
            void (this.calls[key] ??= []).push(args);
        this.emitter.on('fhir.read', record('on fhir.read'));
        this.emitter.on('fhir.**', record('on fhir.**'));
        this.emitter.onAny(record('onAny'));
        this.emitter.once('fhir.*.read', record('once fhir.*.read'));
        this.emitter.many('fhir.read', 2, record('many(2) fhir.read'));
        const both = record('on fhir.read and fhir.patient.*');
        this.emitter.on('fhir.read', both);
        this.emitter.on('fhir.patient.*', both);
      }

      count(key: string): number {
        return this.calls[key]?.length ?? 0;
      }
    }

    /** A host app's own listeners next to an EHR one. */
    @Injectable()
    class HostListeners {
      readonly orders: unknown[] = [];
      readonly reads: EHREvent<EHREventType.FHIR_READ>[] = [];
      @OnEvent('order.created') onOrder(order: unknown) {
        this.orders.push(order);
      }
      @OnEhrEvent(EHREventType.FHIR_READ) onRead(event: EHREvent<EHREventType.FHIR_READ>) {
        this.reads.push(event);
      }
    }

    const read = (path = '/ops/fhir.read/Patient/p1') => request(fixture!.app.getHttpServer()).get(path);

    it('delivers each EHR event once to every function registered on the injected EventEmitter2', async () => {
      fixture = await createFixtureApp({}, [EmitterListeners, EventLog]);
      await read().expect(200);
      await fixture.dispatcher.idle();
      const listeners = fixture.app.get(EmitterListeners);
      const [event] = fixture.app.get(EventLog).events;
      expect(listeners.calls).toEqual({
        'on fhir.read': [[event]],
        'on fhir.**': [[event]],
        onAny: [['fhir.read', event]],
        'once fhir.*.read': [[event]],
        'many(2) fhir.read': [[event]],
        'on fhir.read and fhir.patient.*': [[event]],
      });

      await read('/ops/fhir.read/Patient/p2').expect(200);
      await read('/ops/fhir.read/Patient/p3').expect(200);
      await fixture.dispatcher.idle();
      expect(listeners.count('on fhir.read')).toBe(3);
      expect(listeners.count('once fhir.*.read')).toBe(1);
      expect(listeners.count('many(2) fhir.read')).toBe(2);
      expect(listeners.count('on fhir.read and fhir.patient.*')).toBe(3);
    });

    it('follows listeners added and removed on the emitter after events have been delivered', async () => {
      fixture = await createFixtureApp({}, [EventLog]);
      const emitter = fixture.app.get(EventEmitter2);
      const got: string[] = [];
      const onRead = () => void got.push('on');
      const onAny = () => void got.push('any');
      const deliver = async (path: string) => {
        await read(path).expect(200);
        await fixture!.dispatcher.idle();
      };

      await deliver('/ops/fhir.read/Patient/p1'); // looked up with no host function
      emitter.on('fhir.patient.read', onRead);
      emitter.onAny(onAny);
      await deliver('/ops/fhir.read/Patient/p2');
      expect(got).toEqual(['on', 'any']);

      emitter.off('fhir.patient.read', onRead);
      await deliver('/ops/fhir.read/Patient/p3');
      expect(got).toEqual(['on', 'any', 'any']);

      emitter.offAny(onAny);
      emitter.prependListener('fhir.*.read', onRead);
      await deliver('/ops/fhir.read/Patient/p4');
      expect(got).toEqual(['on', 'any', 'any', 'on']);

      emitter.removeAllListeners();
      await deliver('/ops/fhir.read/Patient/p5');
      expect(got).toEqual(['on', 'any', 'any', 'on']);
      expect(fixture.app.get(EventLog).events).toHaveLength(4); // @OnEvent methods are in the table too
    });

    it('contains a failing emitter listener like an @OnEvent one (async mode)', async () => {
      @Injectable()
      class Failing implements OnModuleInit {
        constructor(private readonly emitter: EventEmitter2) {}
        onModuleInit() {
          this.emitter.on('fhir.**', function auditToDisk() {
            throw new Error('disk full');
          });
        }
      }
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        fixture = await createFixtureApp({}, [Failing, EventLog]);
        await read().expect(200);
        await fixture.dispatcher.idle();
        await new Promise((resolve) => setImmediate(resolve));
        expect(fixture.app.get(EventLog).events).toHaveLength(1);
        expect(fixture.logger.messages('error').join('\n')).toContain(
          'Listener auditToDisk (EventEmitter2.on) failed on fhir.read',
        );
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('waits for emitter listeners in strict mode and fails the request when one fails', async () => {
      const order: string[] = [];
      @Injectable()
      class StrictListeners implements OnModuleInit {
        constructor(private readonly emitter: EventEmitter2) {}
        onModuleInit() {
          // eslint-disable-next-line @typescript-eslint/no-misused-promises -- strict mode awaits a listener's promise
          this.emitter.onAny(async () => {
            await new Promise((resolve) => setImmediate(resolve));
            order.push('audited');
          });
          // eslint-disable-next-line @typescript-eslint/no-misused-promises -- strict mode awaits a listener's promise
          this.emitter.on('fhir.delete', async function refuseDeletes() {
            await Promise.resolve();
            throw new Error('no audit store');
          });
        }
      }
      fixture = await createFixtureApp({ deliveryMode: 'strict' }, [StrictListeners]);
      await read().expect(200);
      order.push('responded');
      expect(order).toEqual(['audited', 'responded']);

      const response = await read('/ops/fhir.delete/Patient/p1').expect(500);
      expect(response.body.message).toMatch(
        /Event fhir\.delete .* was not delivered: 1 listener\(s\) failed \(refuseDeletes \(EventEmitter2\.on\)\)/,
      );
      expect(JSON.stringify(response.body)).not.toContain('operation-data');
    });

    it("gives a host app's own events to its own @OnEvent methods, and keeps them out of the EHR names", async () => {
      fixture = await createFixtureApp({}, [HostListeners, EmitterListeners]);
      const emitter = fixture.app.get(EventEmitter2);
      const host = fixture.app.get(HostListeners);
      const listeners = fixture.app.get(EmitterListeners);

      expect(emitter.emit('order.created', { id: 'o1' })).toBe(true);
      expect(host.orders).toEqual([{ id: 'o1' }]);
      expect(() => emitter.emit('fhir.read', { forged: true })).toThrow(
        "'fhir.read' is in the EHR event namespaces (ehr, fhir, cds, notereader)",
      );
      expect(() => emitter.emit(['cds', 'patient', 'view'], {})).toThrow(/'cds\.patient\.view' is in the EHR/);
      await expect(emitter.emitAsync('notereader.sign.note', {})).rejects.toThrow(/EHR event namespaces/);
      expect(host.reads).toEqual([]);
      expect(listeners.count('on fhir.read')).toBe(0);

      await read().expect(200);
      await fixture.dispatcher.idle();
      expect(host.reads).toHaveLength(1);
      expect(host.reads[0].payload.resourceId).toBe('p1');
      expect(host.orders).toHaveLength(1);
    });

    /** `@OnEhrEvent` listeners by pattern, each recording the ids of the events it got. */
    @Injectable()
    class EhrOnlyListeners {
      readonly received: Record<string, string[]> = {};
      @OnEhrEvent('**') onEverything(event: EHREvent) {
        this.record('**', event);
      }
      @OnEhrEvent('fhir.**') onFhir(event: EHREvent<FhirEventType>) {
        this.record('fhir.**', event);
      }
      @OnEhrEvent([EHREventType.FHIR_READ, 'fhir.patient.*'])
      @OnEhrEvent('fhir.*.read')
      onStacked(event: EHREvent) {
        this.record('stacked', event);
      }
      @OnEhrEvent('cds.**') onCds(event: EHREvent) {
        this.record('cds.**', event);
      }
      /** Both decorators on one method: still one listener. */
      @OnEvent('fhir.read')
      @OnEhrEvent('**')
      onBoth(event: EHREvent) {
        this.record('both', event);
      }
      private record(pattern: string, event: EHREvent) {
        (this.received[pattern] ??= []).push(event.id);
      }
    }

    it('delivers EHR events to @OnEhrEvent methods once each, and never a host event, even to **', async () => {
      fixture = await createFixtureApp({}, [EhrOnlyListeners, HostListeners, EventLog]);
      const emitter = fixture.app.get(EventEmitter2);
      const ehrOnly = fixture.app.get(EhrOnlyListeners);

      expect(emitter.emit('order.created', { id: 'o1', eventType: 'order.created' })).toBe(true);
      emitter.emit('order.created');
      await emitter.emitAsync('billing.invoice.paid', { total: 3 });
      expect(fixture.app.get(HostListeners).orders).toEqual([{ id: 'o1', eventType: 'order.created' }, undefined]);
      expect(ehrOnly.received).toEqual({});
      // Not in the emitter's table: only @OnEvent('order.created') and EventLog's @OnEvent('**') are.
      expect(emitter.listeners('order.created')).toHaveLength(2);
      // A plain @OnEvent('**') is a host listener too: it gets the host's events as well as the EHR ones.
      expect(fixture.app.get(EventLog).drain()).toEqual([
        { id: 'o1', eventType: 'order.created' },
        undefined,
        { total: 3 },
      ]);

      await read().expect(200);
      await request(fixture.app.getHttpServer()).get('/ops/cds.order.sign').expect(200);
      await fixture.dispatcher.idle();
      const [readEvent, cdsEvent] = fixture.app.get(EventLog).events.map((event) => event.id);
      expect(ehrOnly.received).toEqual({
        '**': [readEvent, cdsEvent],
        'fhir.**': [readEvent],
        stacked: [readEvent],
        'cds.**': [cdsEvent],
        both: [readEvent, cdsEvent],
      });
    });

    it('fails start-up on an @OnEhrEvent pattern that can match no EHR event, naming the one meant', async () => {
      @Injectable()
      class Mistyped {
        @OnEhrEvent('cds.*') onCds() {}
      }
      await expect(createFixtureApp({}, [Mistyped])).rejects.toThrow(
        "@OnEhrEvent('cds.*') on Mistyped.onCds can match no EHR event; did you mean 'cds.**'?",
      );
    });

    it('waits for @OnEhrEvent methods in strict mode and fails the request when one fails', async () => {
      @Injectable()
      class StrictAudit {
        audited = 0;
        @OnEhrEvent('**') async audit() {
          await new Promise((resolve) => setImmediate(resolve));
          this.audited++;
        }
        @OnEhrEvent(EHREventType.FHIR_DELETE) refuseDeletes() {
          throw new Error('no audit store');
        }
      }
      fixture = await createFixtureApp({ deliveryMode: 'strict' }, [StrictAudit]);
      await read().expect(200);
      expect(fixture.app.get(StrictAudit).audited).toBe(1);
      const response = await read('/ops/fhir.delete/Patient/p1').expect(500);
      expect(response.body.message).toMatch(/1 listener\(s\) failed \(StrictAudit\.refuseDeletes\)/);
    });

    it('refuses to start beside EventEmitterModule.forRoot(), which would add a second emitter', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [EventEmitterModule.forRoot({ wildcard: true }), EventsModule.forRoot({}), FixtureOperationsModule],
        providers: [PatternListeners],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      try {
        await expect(app.init()).rejects.toThrow(
          "A second EventEmitter2 is provided by EventEmitterModule: remove EventEmitterModule.forRoot() from the application's imports",
        );
      } finally {
        await app.close();
      }
    });
  });

  describe('the event', () => {
    it('carries the operation, outcome, UTC timestamp, a time-sortable id and the request id', async () => {
      fixture = await createFixtureApp({}, [EventLog]);
      const log = fixture.app.get(EventLog);
      const server = fixture.app.getHttpServer();
      const first = await request(server).get('/ops/fhir.read/Patient/p1').set('X-Request-Id', 'req-42');
      expect(first.headers['x-request-id']).toBe('req-42');
      const second = await request(server).get('/ops/fhir.read/Patient/p2');
      expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      await fixture.dispatcher.idle();

      const [a, b] = log.events;
      expect(a).toMatchObject({
        eventType: 'fhir.read',
        sourceSystem: 'fixture',
        correlationId: 'req-42',
        payload: { operation: 'read', resourceType: 'Patient', resourceId: 'p1', outcome: 'success', status: 200 },
        metadata: {},
      });
      expect(a.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(b.correlationId).toBe(second.headers['x-request-id']);
      expect(a.id < b.id).toBe(true);
      expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    });

    it('is emitted for failed operations with the failure status', async () => {
      fixture = await createFixtureApp({}, [EventLog]);
      await request(fixture.app.getHttpServer()).get('/ops/fhir.delete/Patient/p1?fail=409').expect(409);
      await fixture.dispatcher.idle();
      expect(fixture.app.get(EventLog).events).toEqual([
        expect.objectContaining({
          eventType: 'fhir.delete',
          payload: expect.objectContaining({ outcome: 'failure', status: 409, error: expect.any(String) }),
        }),
      ]);
      // The thrown message may carry content, so the event names the error's kind only.
      expect(JSON.stringify(fixture.app.get(EventLog).events)).not.toContain('fixture failure');
    });

    it('replaces a hostile X-Request-Id with a generated one', async () => {
      fixture = await createFixtureApp({}, [EventLog]);
      const response = await request(fixture.app.getHttpServer())
        .get('/ops/ehr.generic')
        .set('X-Request-Id', 'x'.repeat(500));
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('is not emitted when events are turned off', async () => {
      fixture = await createFixtureApp({ enabled: false }, [EventLog]);
      await request(fixture.app.getHttpServer()).get('/ops/fhir.read/Patient/p1').expect(200);
      await fixture.dispatcher.idle();
      expect(fixture.app.get(EventLog).events).toHaveLength(0);
    });
  });

  describe('failing listeners', () => {
    let unhandled: unknown[];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeEach(() => {
      unhandled = [];
      process.on('unhandledRejection', onUnhandled);
    });
    afterEach(() => {
      process.off('unhandledRejection', onUnhandled);
    });

    it('leave the response a 200 and the process without unhandled rejections (async mode)', async () => {
      fixture = await createFixtureApp({}, [FailingListeners, EventLog]);
      const response = await request(fixture.app.getHttpServer()).get('/ops/fhir.read/Patient/p1').expect(200);
      expect(response.body.id).toBe('p1');
      await fixture.dispatcher.idle();
      await new Promise((resolve) => setImmediate(resolve));

      expect(fixture.app.get(FailingListeners).calls).toBe(3);
      expect(fixture.app.get(EventLog).events).toHaveLength(1);
      expect(unhandled).toEqual([]);
      const errors = fixture.logger.messages('error').join('\n');
      expect(errors).toContain('FailingListeners.throwsSync failed on fhir.read');
      expect(errors).toContain('FailingListeners.rejects failed on fhir.read');
      expect(errors).toContain('FailingListeners.rejectsUnsuppressed failed on fhir.read');
      // A listener's error message may quote the event's content: the log names the kind of error only.
      expect(errors).not.toMatch(/listener failure/);
    });

    it('never delay the response in async mode', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      @Injectable()
      class SlowListener {
        finished = false;
        @OnEvent('**') async wait() {
          await gate;
          this.finished = true;
        }
      }
      fixture = await createFixtureApp({}, [SlowListener]);
      await request(fixture.app.getHttpServer()).get('/ops/fhir.read/Patient/p1').expect(200);
      expect(fixture.app.get(SlowListener).finished).toBe(false);
      release();
      await fixture.dispatcher.idle();
      expect(fixture.app.get(SlowListener).finished).toBe(true);
    });

    it('turn the response into a 500 without data in strict mode', async () => {
      fixture = await createFixtureApp({ deliveryMode: 'strict' }, [FailingListeners]);
      const response = await request(fixture.app.getHttpServer()).get('/ops/fhir.read/Patient/p1').expect(500);
      expect(JSON.stringify(response.body)).not.toContain('operation-data');
      expect(response.body.message).toMatch(/Event fhir\.read .* was not delivered: 3 listener\(s\) failed/);
      expect(unhandled).toEqual([]);
    });

    it('in strict mode the response waits for every listener', async () => {
      const order: string[] = [];
      @Injectable()
      class AuditListener {
        @OnEvent('fhir.**') async audit() {
          await new Promise((resolve) => setImmediate(resolve));
          order.push('audited');
        }
      }
      fixture = await createFixtureApp({ deliveryMode: 'strict' }, [AuditListener]);
      await request(fixture.app.getHttpServer()).get('/ops/fhir.read/Patient/p1').expect(200);
      order.push('responded');
      expect(order).toEqual(['audited', 'responded']);
    });
  });

  describe('the event creator', () => {
    /** The documented example (docs/events.md): who, from where, in which session; marked for HIPAA audit. */
    @Injectable()
    class HipaaEventCreator implements EhrEventCreator {
      create(context: OperationContext): EHREvent {
        const { user, sessionId, clientIp } = context.request;
        return createEvent(context, { compliance: 'HIPAA', auditRequired: true, user, sessionId, clientIp });
      }
    }

    async function readOnce(): Promise<EHREvent[]> {
      await request(fixture!.app.getHttpServer())
        .get('/ops/fhir.read/Patient/p1')
        .set('X-Session-Id', 'session-7')
        .expect(200);
      await fixture!.dispatcher.idle();
      return fixture!.app.get(EventLog).events;
    }

    it('is replaced by a class through forRoot', async () => {
      fixture = await createFixtureApp({ eventCreator: HipaaEventCreator }, [EventLog]);
      const [event] = await readOnce();
      expect(event.metadata).toEqual({
        compliance: 'HIPAA',
        auditRequired: true,
        sessionId: 'session-7',
        clientIp: expect.stringMatching(/127\.0\.0\.1/),
      });
      expect(event.payload).toMatchObject({ resourceType: 'Patient', resourceId: 'p1', outcome: 'success' });
    });

    it('is replaced by a factory through forRoot', async () => {
      fixture = await createFixtureApp({ eventCreator: { useFactory: () => new HipaaEventCreator() } }, [EventLog]);
      const [event] = await readOnce();
      expect(event.metadata.compliance).toBe('HIPAA');
    });

    it('is replaced by a value through forRoot', async () => {
      fixture = await createFixtureApp({ eventCreator: { useValue: new HipaaEventCreator() } }, [EventLog]);
      const [event] = await readOnce();
      expect(event.metadata.auditRequired).toBe(true);
    });

    it('is replaced through Test.overrideProvider', async () => {
      fixture = await createFixtureApp({}, [EventLog], (builder) =>
        builder.overrideProvider(EHR_EVENT_CREATOR).useClass(HipaaEventCreator),
      );
      const [event] = await readOnce();
      expect(event.metadata.compliance).toBe('HIPAA');
    });

    it('suppresses the event by returning null', async () => {
      fixture = await createFixtureApp({ eventCreator: { useValue: { create: () => null } } }, [EventLog]);
      expect(await readOnce()).toEqual([]);
    });

    it('failing in async mode costs the event, not the response', async () => {
      const failing = {
        create: () => {
          throw new Error('creator broke');
        },
      };
      fixture = await createFixtureApp({ eventCreator: { useValue: failing } }, [EventLog]);
      expect(await readOnce()).toEqual([]);
      expect(fixture.logger.messages('error').join()).toContain(
        'Event creator failed for fhir.read (read): Error (message withheld: it may carry content)',
      );
    });
  });

  it('turns 1,000 concurrent requests into exactly 1,000 events', async () => {
    fixture = await createFixtureApp({}, [EventLog]);
    await fixture.app.listen(0, '127.0.0.1');
    const url = await fixture.app.getUrl();
    const responses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        fetch(`${url}/ops/fhir.read/Patient/p${i}`, { headers: { 'X-Request-Id': `r${i}` } }),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    await fixture.dispatcher.idle();

    const events = fixture.app.get(EventLog).events;
    expect(events).toHaveLength(1000);
    expect(new Set(events.map((event) => event.id)).size).toBe(1000);
    expect(new Set(events.map((event) => event.correlationId))).toEqual(
      new Set(Array.from({ length: 1000 }, (_, i) => `r${i}`)),
    );
    expect(new Set(events.map((event) => payloadOf(event).resourceId)).size).toBe(1000);
  });
});
