import { INestApplicationContext, Injectable, Module } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { BaseEventPayload, CdsEventDetails, FhirEventDetails, NoteReaderEventDetails } from '@ehr-gateway/events';
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

/** Every family's payload fields, each optional: what a test reads from an event of any type. */
export type AnyEventPayload = BaseEventPayload &
  Partial<FhirEventDetails> &
  Partial<CdsEventDetails> &
  Partial<NoteReaderEventDetails>;

/** An event's payload, readable without first narrowing the event to its family. */
export const payloadOf = (event: EHREvent): AnyEventPayload => event.payload;
