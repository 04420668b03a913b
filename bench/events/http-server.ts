/**
 * The HTTP side of bench:events, run in its own process so that autocannon
 * does not share an event loop with the server: the intercepted fixture route
 * with events on (one listener) or off, as `BENCH_EVENTS_ENABLED` says.
 */
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OnEvent } from '@nestjs/event-emitter';
import { EHREvent, EventsModule } from '@ehr-gateway/events';
import { FixtureOperationsModule } from '../../test/support/events-fixture';
import { answerCpuUsage } from '../support/server-cpu';

@Injectable()
class CountingListener {
  count = 0;
  @OnEvent('fhir.**') take(_event: EHREvent) {
    this.count++;
  }
}

void (async () => {
  const enabled = process.env.BENCH_EVENTS_ENABLED === 'true';
  @Module({ imports: [EventsModule.forRoot({ enabled }), FixtureOperationsModule], providers: [CountingListener] })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  answerCpuUsage();
  process.send!(await app.getUrl());
})();
