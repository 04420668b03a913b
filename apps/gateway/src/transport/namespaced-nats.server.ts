import { NatsContext, NatsOptions, ServerNats } from '@nestjs/microservices';
import type { MessageHandler } from '@nestjs/microservices';
import { exceedsJsonDepth } from '../security/json-depth';

/** The part of a NATS message this server reads before Nest does. */
interface NatsMessage {
  subject: string;
  data: Uint8Array;
  headers?: unknown;
  json(): unknown;
}

/**
 * Nest's NATS server with every message pattern under a subject prefix
 * (`<prefix>.fhir.read`), so that several deployments can share one NATS
 * without answering each other's calls. Instances of one deployment share
 * the queue group given in the options. A payload that nests deeper than
 * `maxJsonDepth` (`JSON_MAX_DEPTH`, as for HTTP bodies) is answered with a
 * `{ status: 400, message }` error before any handler sees it (NATS's own
 * `max_payload` bounds its size).
 */
export class NamespacedNatsServer extends ServerNats {
  constructor(
    options: Required<NatsOptions>['options'],
    private readonly subjectPrefix: string,
    private readonly maxJsonDepth: number,
  ) {
    super(options);
  }

  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void {
    const subject = this.normalizePattern(pattern as string);
    super.addHandler(
      this.subjectPrefix ? `${this.subjectPrefix}.${subject}` : subject,
      callback,
      isEventHandler,
      extras,
    );
  }

  override async handleMessage(channel: string, natsMsg: NatsMessage): Promise<unknown> {
    if (!exceedsJsonDepth(natsMsg.data, this.maxJsonDepth)) return super.handleMessage(channel, natsMsg);
    // JSON.parse itself does not recurse (V8), so the request id can be read at any depth; nothing else is.
    const id = (natsMsg.json() as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return; // an event (no reply expected): dropped
    const publish = this.getPublisher(natsMsg, id, new NatsContext([natsMsg.subject, natsMsg.headers as never]));
    return publish({
      err: { status: 400, message: `The message payload nests deeper than ${this.maxJsonDepth} levels` },
      isDisposed: true,
    });
  }
}
