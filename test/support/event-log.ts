import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EHREvent, EventDispatcher } from '@ehr-gateway/events';

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

/** A function that waits for every emitted event to be delivered, then returns (and forgets) the events so far. */
export function eventsOf(app: INestApplicationContext): () => Promise<EHREvent[]> {
  const dispatcher = app.get(EventDispatcher);
  const log = app.get(EventLog);
  return async () => {
    await dispatcher.idle();
    return log.drain();
  };
}
