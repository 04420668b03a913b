import { CallHandler, ExecutionContext, HttpException, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Observable, catchError, from, mergeMap, tap } from 'rxjs';
import type { EHREventType, EventDetails } from './ehr-event';
import type { OperationDescriptor, OperationOutcomeInfo } from './interfaces';
import { problemOf } from './failure-problem';
import { OperationEvents } from './operation-events.service';
import type { OperationFactFields } from './operation-facts';

/** The protocol status of a failed operation: the exception's own, else 500. */
export function statusOfError(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/** The `@HttpCode` of each handler, read once (metadata is fixed when the class is declared). */
const declaredStatus = new WeakMap<object, number | undefined>();

/** The descriptor with more payload fields; later sources win. */
function withDetails<T extends EHREventType>(
  descriptor: OperationDescriptor<T>,
  ...more: Array<OperationFactFields | Partial<EventDetails<T>> | undefined>
): OperationDescriptor<T> {
  let details: object = descriptor.details;
  for (const fields of more) details = { ...details, ...fields };
  return { ...descriptor, details };
}

/**
 * Base for the interceptors of protocol modules: the inbound boundary where
 * each handled operation, success or failure, becomes its event. Subclasses
 * say what the operation is (`describe`) and what its result or failure adds;
 * the handler's code adds what it learns through `OperationFacts` (the request
 * context), never through the request or the message.
 */
export abstract class EventEmittingInterceptor<T extends EHREventType = EHREventType> implements NestInterceptor {
  /** @param moduleOptions the protocol module's options: `events: false` turns its events off. */
  protected constructor(
    protected readonly operationEvents: OperationEvents,
    private readonly moduleOptions: { events?: boolean } = {},
  ) {}

  /** The operation a handler call performs, or `null` when it is not an operation to record. */
  protected abstract describe(context: ExecutionContext): OperationDescriptor<T> | null;

  /** Fields the handler's result adds (result count, card count, ...). */
  protected describeResult(_result: unknown, _context: ExecutionContext): Partial<EventDetails<T>> | undefined {
    return undefined;
  }

  /** Fields a failure adds. */
  protected describeFailure(_error: unknown, _context: ExecutionContext): Partial<EventDetails<T>> | undefined {
    return undefined;
  }

  /**
   * Events recorded before the operation's own, from what it learned (a
   * NoteReader call that parsed its note has also received a signed note).
   * They are milestones the operation reached: recorded as successes.
   */
  protected milestones(_operation: OperationDescriptor<T>): OperationDescriptor[] {
    return [];
  }

  /** The module's own switch (`events: false` in its options turns its events off). */
  protected eventsEnabled(): boolean {
    return this.moduleOptions.events !== false;
  }

  /** The status a successful call answers with. */
  protected successStatus(context: ExecutionContext): number {
    const handler = context.getHandler();
    if (!declaredStatus.has(handler)) {
      declaredStatus.set(handler, Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined);
    }
    const declared = declaredStatus.get(handler);
    if (declared !== undefined) return declared;
    if (context.getType() !== 'http') return 200;
    return context.switchToHttp().getRequest<{ method?: string }>().method === 'POST' ? 201 : 200;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.operationEvents.enabled || !this.eventsEnabled()) return next.handle();
    const descriptor = this.describe(context);
    if (!descriptor) return next.handle();
    const facts = this.operationEvents.facts.begin();
    const started = performance.now();
    const finish = (outcome: OperationOutcomeInfo, fromOutcome: Partial<EventDetails<T>> | undefined) => {
      const operation = withDetails(descriptor, facts, fromOutcome);
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const milestones = this.milestones(operation);
      if (milestones.length === 0) return this.operationEvents.record(operation, { ...outcome, durationMs });
      const success = { outcome: 'success', status: this.successStatus(context) } as const;
      return this.operationEvents.recordAll([
        ...milestones.map((milestone) => [milestone, success] as const),
        [operation, { ...outcome, durationMs }],
      ]);
    };
    const succeeded = (result: unknown) =>
      finish({ outcome: 'success', status: this.successStatus(context) }, this.describeResult(result, context));
    const failed = (error: unknown) =>
      finish(
        { outcome: 'failure', status: statusOfError(error), error: problemOf(error) },
        this.describeFailure(error, context),
      );

    if (!this.operationEvents.strict) {
      // Async mode: recording returns nothing and never throws, so a plain tap suffices.
      return next.handle().pipe(
        tap({
          next: (result) => void succeeded(result),
          error: (error) => void failed(error),
        }),
      );
    }
    return next.handle().pipe(
      catchError((error: unknown) =>
        from(
          Promise.resolve(failed(error))
            .catch(() => undefined)
            .then(() => {
              throw error;
            }),
        ),
      ),
      // After catchError, so that a delivery failure is not recorded as a second event.
      mergeMap((result: unknown) => from(Promise.resolve(succeeded(result)).then(() => result))),
    );
  }
}
