import { Injectable, Module } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { EHREvent } from '@ehr-gateway/events';

/** Records every event it gets, for tests to count and inspect. */
@Injectable()
export class EventLog {
  readonly events: EHREvent[] = [];

  @OnEvent('**') take(event: EHREvent) {
    this.events.push(event);
  }

  /** The events since the last `drain()`, removed from the log. */
  drain(): EHREvent[] {
    return this.events.splice(0, this.events.length);
  }
}

@Module({ providers: [EventLog], exports: [EventLog] })
export class EventLogModule {}
