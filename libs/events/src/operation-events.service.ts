import { Inject, Injectable, Logger } from '@nestjs/common';
import { problemOf, stackFramesOf } from '@ehr-gateway/common';
import { EHR_EVENT_CREATOR } from './constants';
import { EHREvent, EHREventType, familyOf } from './ehr-event';
import { EventDispatcher } from './event-dispatcher';
import { InjectEventsOptions } from './events.module-definition';
import type {
  EhrEventCreator,
  EventsModuleOptions,
  OperationContext,
  OperationDescriptor,
  OperationOutcomeInfo,
} from './interfaces';
import { OperationFacts } from './operation-facts';
import { RequestContextService } from './request-context';

/**
 * Turns a finished operation into its event (through the injected creator)
 * and delivers it in the configured mode. The one place protocol modules call.
 */
@Injectable()
export class OperationEvents {
  private readonly logger = new Logger(OperationEvents.name);
  readonly enabled: boolean;
  readonly strict: boolean;

  constructor(
    @Inject(EHR_EVENT_CREATOR) private readonly creator: EhrEventCreator,
    private readonly dispatcher: EventDispatcher,
    private readonly requestContext: RequestContextService,
    /** Where the code of an operation in progress adds what it learns. */
    readonly facts: OperationFacts,
    @InjectEventsOptions() options: EventsModuleOptions,
  ) {
    this.enabled = options.enabled ?? true;
    this.strict = options.deliveryMode === 'strict';
  }

  /**
   * Records one operation. `descriptor.details` must be exactly the fields of
   * its event type's payload. In async mode this returns nothing at once and
   * never throws; in strict mode it returns a promise that resolves when every
   * listener has taken the event and rejects (`EventDeliveryError`) when one failed.
   */
  record<T extends EHREventType>(
    descriptor: OperationDescriptor<T>,
    outcome: OperationOutcomeInfo,
  ): void | Promise<void> {
    if (!this.enabled) return;
    const context = {
      eventType: descriptor.eventType,
      operation: descriptor.operation,
      source: descriptor.source,
      details: descriptor.details,
      family: familyOf(descriptor.eventType),
      outcome,
      request: this.requestContext.current(),
    } as OperationContext;
    if (this.strict) return this.publish(context);
    try {
      const created = this.creator.create(context);
      if (created instanceof Promise) {
        created.then(
          (event) => this.emit(event),
          (error: unknown) => this.logCreatorFailure(context, error),
        );
      } else {
        this.emit(created);
      }
    } catch (error) {
      this.logCreatorFailure(context, error);
    }
  }

  /** Records several operations in order (in strict mode each is delivered before the next is created). */
  recordAll(operations: ReadonlyArray<readonly [OperationDescriptor, OperationOutcomeInfo]>): void | Promise<void> {
    if (!this.strict) {
      for (const [descriptor, outcome] of operations) void this.record(descriptor, outcome);
      return;
    }
    return operations.reduce<Promise<void>>(
      (previous, [descriptor, outcome]) => previous.then(() => this.record(descriptor, outcome)),
      Promise.resolve(),
    );
  }

  private async publish(context: OperationContext): Promise<void> {
    const event = await this.creator.create(context);
    if (event) await this.dispatcher.publish(event);
  }

  private emit(event: EHREvent | null): void {
    if (event) this.dispatcher.emit(event);
  }

  private logCreatorFailure(context: OperationContext, error: unknown): void {
    this.logger.error(
      `Event creator failed for ${context.eventType} (${context.operation}): ${problemOf(error)}`,
      stackFramesOf(error),
    );
  }
}
