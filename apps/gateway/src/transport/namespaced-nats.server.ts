import { NatsOptions, ServerNats } from '@nestjs/microservices';
import type { MessageHandler } from '@nestjs/microservices';

/**
 * Nest's NATS server with every message pattern under a subject prefix
 * (`<prefix>.fhir.read`), so that several deployments can share one NATS
 * without answering each other's calls. Instances of one deployment share
 * the queue group given in the options.
 */
export class NamespacedNatsServer extends ServerNats {
  constructor(
    options: Required<NatsOptions>['options'],
    private readonly subjectPrefix: string,
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
}
