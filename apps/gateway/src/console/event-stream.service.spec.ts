import { once } from 'node:events';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { EHREventType, newEventId, type EHREvent } from '@ehr-gateway/events';
import express from 'express';
import { EventRates } from './event-rates';
import { EventStreamService } from './event-stream.service';

const bigEvent = (): EHREvent => ({
  id: newEventId(),
  eventType: EHREventType.FHIR_READ,
  sourceSystem: 'local',
  timestamp: new Date().toISOString(),
  payload: { operation: 'read', outcome: 'failure', status: 500, source: 'local', error: 'x'.repeat(64 * 1024) },
  metadata: {},
});

describe('EventStreamService', () => {
  it('disconnects a viewer that stops reading instead of buffering for it without bound', async () => {
    const service = new EventStreamService(
      { replayCapacity: 10, maxBufferedBytes: 256 * 1024, maxViewers: 5 },
      new EventRates(),
    );
    const server = express()
      .get('/stream', (_request, response) => service.attach(response, ['**']))
      .listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.write('GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await once(socket, 'data');
    socket.pause(); // the viewer never reads again

    let published = 0;
    while (service.viewerCount > 0 && published < 10_000) {
      service.publish(bigEvent());
      published++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(service.viewerCount).toBe(0);
    expect(published).toBeLessThan(10_000);

    socket.destroy();
    service.onApplicationShutdown();
    server.close();
  });

  it("serializes an event only when a viewer's patterns match it", async () => {
    const service = new EventStreamService(
      { replayCapacity: 10, maxBufferedBytes: 1024 * 1024, maxViewers: 5 },
      new EventRates(),
    );
    let serialized = 0;
    const countedEvent = (): EHREvent => ({
      ...bigEvent(),
      metadata: { counted: { toJSON: () => ++serialized } },
    });
    const server = express()
      .get('/stream', (request, response) => service.attach(response, [request.query.pattern as string]))
      .listen(0, '127.0.0.1');
    await once(server, 'listening');
    const viewer = (pattern: string) =>
      fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/stream?pattern=${pattern}`);

    service.publish(countedEvent()); // nobody watching
    expect(serialized).toBe(0);
    const cdsViewer = await viewer('cds.**');
    service.publish(countedEvent()); // a fhir.read: no viewer's pattern matches
    expect(serialized).toBe(0);
    const fhirViewer = await viewer('fhir.*');
    service.publish(countedEvent());
    expect(serialized).toBe(1);

    await cdsViewer.body?.cancel();
    await fhirViewer.body?.cancel();
    service.onApplicationShutdown();
    server.close();
  });
});
