import { Injectable } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import type { EHREventType, EventDetails } from './ehr-event';
import type { OperationDescriptor } from './interfaces';

/**
 * Payload fields an operation's code can add to the event of type `T`, each
 * optional. For a union of types, only the fields every one of them has: a
 * field of another family never fits.
 */
export type OperationFactFields<T extends EHREventType> = [keyof EventDetails<T>] extends [never]
  ? Record<string, never>
  : { [K in keyof EventDetails<T>]?: EventDetails<T>[K] };

/** The operation in progress in a request context, and what its code added. */
interface OperationInProgress {
  readonly eventType: EHREventType;
  readonly fields: object;
}

const FACTS = Symbol('ehr-gateway:operation-facts');

/**
 * Payload fields the code of an operation learns while it runs (a CDA
 * document's id, the prefetch keys fetched), kept in the request context
 * (nestjs-cls) until the interceptor that began the operation builds its
 * event. Nothing rides on the HTTP request or the RPC message. Fields are
 * typed by the event type the code names, and kept only when that is the type
 * of the operation in progress.
 */
@Injectable()
export class OperationFacts {
  constructor(private readonly cls: ClsService) {}

  /** Starts collecting for an operation of the current request; returns what its code adds. */
  begin<T extends EHREventType>(operation: OperationDescriptor<T>): OperationFactFields<T> {
    const fields: OperationFactFields<T> = {};
    if (this.cls.isActive()) this.cls.set<OperationInProgress>(FACTS, { eventType: operation.eventType, fields });
    return fields;
  }

  /**
   * Adds fields to the event of the operation in progress, if it is of
   * `eventType` (the type of the operation the calling code is part of);
   * otherwise they belong to no operation being recorded (events are off for
   * it, or another kind of operation called this code) and are dropped.
   */
  add<T extends EHREventType>(eventType: T, fields: OperationFactFields<T>): void {
    if (!this.cls.isActive()) return;
    const operation = this.cls.get<OperationInProgress | undefined>(FACTS);
    if (operation?.eventType === eventType) Object.assign(operation.fields, fields);
  }
}
