/**
 * bench:gateway — the whole gateway under the sandbox's mixed workload (FHIR
 * reads and searches, patient-view and order-sign calls with partial prefetch,
 * NoteReader notes), through the sandbox's own load mode. The gateway runs in
 * this process with a listener counting every event, so that the events
 * observed can be checked against the operations performed.
 */
import { Injectable, Module } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EventDispatcher } from '@ehr-gateway/events';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { createGatewayApp } from '../../apps/gateway/src/create-gateway-app';
import { parseSandboxArgs } from '../../apps/sandbox/src/sandbox-options';
import { runSandbox } from '../../apps/sandbox/src/sandbox';

const SECONDS = process.env.BENCH_SECONDS ?? '10';
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? '20';

@Injectable()
class EventCounter {
  count = 0;
  @OnEvent('**') take() {
    this.count++;
  }
}

@Module({ providers: [EventCounter] })
class EventCounterModule {}

void (async () => {
  const config = loadGatewayConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    FHIR_STORE_PATH: ':memory:',
    FHIR_SEED_PATIENTS: '100',
    CDS_FEEDBACK_PATH: ':memory:',
  });
  const app = await createGatewayApp(config, [EventCounterModule]);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const counter = app.get(EventCounter);
  try {
    const options = parseSandboxArgs([
      'mixed',
      '--url',
      url,
      '--patients',
      '20',
      '--prefetch',
      'partial',
      '--concurrency',
      CONCURRENCY,
      '--duration',
      SECONDS,
    ]);
    const lines: string[] = [];
    let eventsBefore = 0;
    const dispatcher = app.get(EventDispatcher);
    // The sandbox's own setup (reading patients, gathering prefetch) emits events too: count from the first call on.
    const run = await runSandbox(
      options,
      (line) => lines.push(line),
      () => (eventsBefore = counter.count),
    );
    await dispatcher.idle();
    const expected = run.results.reduce((sum, result) => sum + result.expectedEvents, 0);
    const observed = counter.count - eventsBefore;
    console.log(
      `Mixed workload, ${CONCURRENCY} concurrent requests for ${SECONDS} s, gateway and sandbox in one process`,
    );
    console.log(lines.join('\n'));
    console.log(
      `\nevents observed during the run: ${observed}; events the operations should emit: ${expected} (${observed === expected ? 'equal' : 'MISMATCH'})`,
    );
  } finally {
    await app.close();
  }
})();
