import { Injectable } from '@nestjs/common';
import { EHREvent, isoTimestamp, newEventId } from './ehr-event';
import type { EhrEventCreator, OperationContext } from './interfaces';

/**
 * The event of an operation as the gateway builds it: the type's own fields
 * and the outcome in the payload, the request id as correlation id. A
 * replaced creator can start from it and add `metadata`.
 */
export function createEvent(context: OperationContext, metadata: Record<string, unknown> = {}): EHREvent {
  const { outcome } = context;
  const now = Date.now();
  return {
    id: newEventId(now),
    eventType: context.eventType,
    sourceSystem: context.source,
    timestamp: isoTimestamp(now),
    correlationId: context.request.requestId,
    payload: {
      ...context.details,
      operation: context.operation,
      source: context.source,
      outcome: outcome.outcome,
      status: outcome.status,
      error: outcome.error,
      durationMs: outcome.durationMs,
    },
    metadata,
    // The payload matches the event type because `context` does: OperationContext pairs them.
  } as EHREvent;
}

/**
 * Builds one event per operation: references and outcome in the payload; from
 * the request, its id and, in `metadata`, the caller and the access decision
 * (references and codes, never a token).
 */
@Injectable()
export class DefaultEhrEventCreator implements EhrEventCreator {
  create(context: OperationContext): EHREvent {
    const { user, clientId, patient, scopes, purposeOfUse, authorization } = context.request;
    return createEvent(context, { user, clientId, patient, scopes, purposeOfUse, authorization });
  }
}
