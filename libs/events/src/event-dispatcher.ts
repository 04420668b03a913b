import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { EHREvent } from './ehr-event';
import { EventDeliveryError, ListenerFailure } from './event-delivery.error';
import { EventListener, EventListenerRegistry } from './event-listener.registry';
import { inSpan, problemOf, stackFramesOf, tracer, tracingEnabled } from '@ehr-gateway/common';
import { eventSpanAttributes } from './tracing';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Delivers EHR events to their listeners (`@OnEhrEvent`, `@OnEvent`, functions
 * on the injected emitter) under every name of the event, each listener once.
 */
@Injectable()
export class EventDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(EventDispatcher.name);
  private queue: EHREvent[] = [];
  private drainScheduled = false;
  private pendingListeners = 0;
  private idleWaiters: Array<() => void> = [];
  private failures = 0;

  constructor(private readonly registry: EventListenerRegistry) {}

  /**
   * Fire and forget: listeners run after the caller's current work (batched on
   * `setImmediate`); nothing a listener does, thrown or rejected, reaches the
   * caller or becomes an unhandled rejection.
   */
  emit(event: EHREvent): void {
    this.queue.push(event);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(this.drain);
    }
  }

  /** Resolves when every listener has finished; rejects with `EventDeliveryError` if any failed. */
  async publish(event: EHREvent): Promise<void> {
    return inSpan('ehr.event.deliver', eventSpanAttributes(event), () => this.publishToListeners(event));
  }

  private async publishToListeners(event: EHREvent): Promise<void> {
    const listeners = this.registry.listenersFor(event);
    const settled = await Promise.allSettled(listeners.map((listener) => this.invoke(listener, event)));
    const failures: ListenerFailure[] = [];
    settled.forEach((result, i) => {
      if (result.status === 'rejected') failures.push({ listener: listeners[i].name, error: result.reason });
    });
    if (failures.length > 0) {
      failures.forEach((failure) => this.logFailure(failure, event));
      throw new EventDeliveryError(event, failures);
    }
  }

  /** Resolves once every emitted event has been handed to its listeners and their promises have settled. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.pendingListeners === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** How many listener invocations have failed since start. */
  get listenerFailures(): number {
    return this.failures;
  }

  onApplicationShutdown(): void {
    this.drain();
  }

  private readonly drain = (): void => {
    const batch = this.queue;
    this.queue = [];
    this.drainScheduled = false;
    const traced = tracingEnabled();
    for (const event of batch) {
      const span = traced
        ? tracer.startSpan('ehr.event.deliver', { attributes: eventSpanAttributes(event) })
        : undefined;
      for (const listener of this.registry.listenersFor(event)) this.deliverDetached(listener, event);
      span?.end();
    }
    this.settleIdleWaiters();
  };

  private deliverDetached(listener: EventListener, event: EHREvent): void {
    try {
      const result = listener.invoke(event);
      if (!isThenable(result)) return;
      this.pendingListeners++;
      result.then(
        () => this.listenerSettled(),
        (error: unknown) => {
          this.logFailure({ listener: listener.name, error }, event);
          this.listenerSettled();
        },
      );
    } catch (error) {
      this.logFailure({ listener: listener.name, error }, event);
    }
  }

  private async invoke(listener: EventListener, event: EHREvent): Promise<unknown> {
    return listener.invoke(event);
  }

  private listenerSettled(): void {
    this.pendingListeners--;
    this.settleIdleWaiters();
  }

  private settleIdleWaiters(): void {
    if (this.queue.length > 0 || this.pendingListeners > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  private logFailure({ listener, error }: ListenerFailure, event: EHREvent): void {
    this.failures++;
    this.logger.error(
      `Listener ${listener} failed on ${event.eventType} (${event.id}): ${problemOf(error)}`,
      stackFramesOf(error),
    );
  }
}
