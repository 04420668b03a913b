import { CallHandler, ExecutionContext, HttpException, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Observable, catchError, from, mergeMap, tap } from 'rxjs';
import type { OperationDescriptor } from './interfaces';
import { problemOf } from './failure-problem';
import { OperationEvents } from './operation-events.service';

/** The protocol status of a failed operation: the exception's own, else 500. */
export function statusOfError(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/**
 * Base for the interceptors of protocol modules: one event per handled
 * operation, success or failure. Subclasses say what the operation is
 * (`describe`) and what its result adds (`describeResult`).
 */
export abstract class EventEmittingInterceptor implements NestInterceptor {
  /** @param moduleOptions the protocol module's options: `events: false` turns its events off. */
  protected constructor(
    protected readonly operationEvents: OperationEvents,
    private readonly moduleOptions: { events?: boolean } = {},
  ) {}

  /** The operation a handler call performs, or `null` when it is not an operation to record. */
  protected abstract describe(context: ExecutionContext): OperationDescriptor | null;

  /** Fields the handler's result adds to the descriptor (resource id, result count, ...). */
  protected describeResult(_result: unknown, _context: ExecutionContext): Partial<OperationDescriptor> | undefined {
    return undefined;
  }

  /** Fields a failure adds to the descriptor. */
  protected describeFailure(_error: unknown, _context: ExecutionContext): Partial<OperationDescriptor> | undefined {
    return undefined;
  }

  /** The module's own switch (`events: false` in its options turns its events off). */
  protected eventsEnabled(): boolean {
    return this.moduleOptions.events !== false;
  }

  /** The status a successful call answers with. */
  protected successStatus(context: ExecutionContext): number {
    const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined;
    if (declared !== undefined) return declared;
    if (context.getType() !== 'http') return 200;
    return context.switchToHttp().getRequest<{ method?: string }>().method === 'POST' ? 201 : 200;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.operationEvents.enabled || !this.eventsEnabled()) return next.handle();
    const descriptor = this.describe(context);
    if (!descriptor) return next.handle();
    const succeeded = (result: unknown) => {
      const fromResult = this.describeResult(result, context);
      return this.operationEvents.record(fromResult ? { ...descriptor, ...fromResult } : descriptor, {
        outcome: 'success',
        status: this.successStatus(context),
      });
    };
    const failed = (error: unknown) => {
      const fromError = this.describeFailure(error, context);
      return this.operationEvents.record(fromError ? { ...descriptor, ...fromError } : descriptor, {
        outcome: 'failure',
        status: statusOfError(error),
        error: problemOf(error),
      });
    };

    if (!this.operationEvents.strict) {
      // Async mode: record() returns nothing and never throws, so a plain tap suffices.
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
