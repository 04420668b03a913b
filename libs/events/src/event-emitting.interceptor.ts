import { CallHandler, ExecutionContext, HttpException, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Observable, Observer, Subscriber, catchError, from, mergeMap } from 'rxjs';
import type { EHREventType } from './ehr-event';
import type { OperationDescriptor, OperationOutcomeInfo } from './interfaces';
import { problemOf } from '@ehr-gateway/common';
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

const NO_MILESTONES: readonly OperationDescriptor[] = [];

/** One handled call on its way to its event. */
interface OperationCall<T extends EHREventType> {
  readonly context: ExecutionContext;
  readonly descriptor: OperationDescriptor<T>;
  /** What the operation's code adds while it runs (`OperationFacts`). */
  readonly facts: OperationFactFields<T>;
  /** `performance.now()` when the call began. */
  readonly started: number;
}

/** How a call ends, as the interceptor records it. */
interface CallRecorder<T extends EHREventType> {
  readonly succeeded: (call: OperationCall<T>, result: unknown) => void | Promise<void>;
  readonly failed: (call: OperationCall<T>, error: unknown) => void | Promise<void>;
}

function hasFields(fields: object): boolean {
  for (const _ in fields) return true;
  return false;
}

/**
 * Async mode's one observer per call: records the call's event as the
 * handler's result or error passes, then passes it on (what `tap` does,
 * without an operator chain and closures per call).
 */
class RecordingObserver<T extends EHREventType> implements Observer<unknown>, OperationCall<T> {
  constructor(
    private readonly recorder: CallRecorder<T>,
    readonly context: ExecutionContext,
    readonly descriptor: OperationDescriptor<T>,
    readonly facts: OperationFactFields<T>,
    readonly started: number,
    private readonly subscriber: Subscriber<unknown>,
  ) {}

  next(result: unknown): void {
    if (this.recorded(this.recorder.succeeded, result)) this.subscriber.next(result);
  }

  error(error: unknown): void {
    if (this.recorded(this.recorder.failed, error)) this.subscriber.error(error);
  }

  /** Whether recording went through; if it threw (a subclass's hook), the call fails with that error instead. */
  private recorded(record: (call: OperationCall<T>, outcome: unknown) => unknown, outcome: unknown): boolean {
    try {
      record(this, outcome);
      return true;
    } catch (error) {
      this.subscriber.error(error);
      return false;
    }
  }

  complete(): void {
    this.subscriber.complete();
  }
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
  protected describeResult(_result: unknown, _context: ExecutionContext): OperationFactFields<T> | undefined {
    return undefined;
  }

  /** Fields a failure adds. */
  protected describeFailure(_error: unknown, _context: ExecutionContext): OperationFactFields<T> | undefined {
    return undefined;
  }

  /**
   * Events recorded before the operation's own, from what it learned (a
   * NoteReader call that parsed its note has also received a signed note).
   * They are milestones the operation reached: recorded as successes.
   */
  protected milestones(_operation: OperationDescriptor<T>): readonly OperationDescriptor[] {
    return NO_MILESTONES;
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

  /** Records a call's event from its result or its failure (shared by every call, so no closures per call). */
  private readonly recorder: CallRecorder<T> = {
    succeeded: (call, result) =>
      this.finish(
        call,
        { outcome: 'success', status: this.successStatus(call.context), error: undefined, durationMs: undefined },
        this.describeResult(result, call.context),
      ),
    failed: (call, error) =>
      this.finish(
        call,
        { outcome: 'failure', status: statusOfError(error), error: problemOf(error), durationMs: undefined },
        this.describeFailure(error, call.context),
      ),
  };

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.operationEvents.enabled || !this.eventsEnabled()) return next.handle();
    const descriptor = this.describe(context);
    if (!descriptor) return next.handle();
    const facts = this.operationEvents.facts.begin(descriptor);
    const started = performance.now();
    const recorder = this.recorder;

    if (!this.operationEvents.strict) {
      // Async mode: recording returns nothing and never throws.
      return new Observable((subscriber) =>
        next.handle().subscribe(new RecordingObserver(recorder, context, descriptor, facts, started, subscriber)),
      );
    }
    const call: OperationCall<T> = { context, descriptor, facts, started };
    return next.handle().pipe(
      catchError((error: unknown) =>
        from(
          Promise.resolve(recorder.failed(call, error))
            .catch(() => undefined)
            .then(() => {
              throw error;
            }),
        ),
      ),
      // After catchError, so that a delivery failure is not recorded as a second event.
      mergeMap((result: unknown) => from(Promise.resolve(recorder.succeeded(call, result)).then(() => result))),
    );
  }

  /** Records the call's event (after its milestones), with what the code and the outcome added and the duration. */
  private finish(
    call: OperationCall<T>,
    outcome: OperationOutcomeInfo,
    fromOutcome: OperationFactFields<T> | undefined,
  ): void | Promise<void> {
    const { descriptor, facts } = call;
    const operation =
      fromOutcome === undefined && !hasFields(facts)
        ? descriptor
        : { ...descriptor, details: { ...descriptor.details, ...facts, ...fromOutcome } };
    outcome.durationMs = Math.round((performance.now() - call.started) * 10) / 10;
    const milestones = this.milestones(operation);
    if (milestones.length === 0) return this.operationEvents.record(operation, outcome);
    const success = { outcome: 'success', status: this.successStatus(call.context) } as const;
    return this.operationEvents.recordAll([
      ...milestones.map((milestone) => [milestone, success] as const),
      [operation, outcome],
    ]);
  }
}
