import { Injectable } from '@nestjs/common';
import { EHREvent, newEventId } from './ehr-event';
import type { EhrEventCreator, OperationContext } from './interfaces';

/** Builds one event per operation: references and outcome in the payload, nothing from the request beyond its id. */
@Injectable()
export class DefaultEhrEventCreator implements EhrEventCreator {
  create(context: OperationContext): EHREvent {
    const { outcome } = context;
    const payload: Record<string, unknown> = {
      operation: context.operation,
      source: context.source,
      ...context.details,
      outcome: outcome.outcome,
      status: outcome.status,
    };
    if (context.resourceType !== undefined) payload.resourceType = context.resourceType;
    if (context.resourceId !== undefined) payload.resourceId = context.resourceId;
    if (context.versionId !== undefined) payload.versionId = context.versionId;
    if (context.resource !== undefined) payload.resource = context.resource;
    if (outcome.error !== undefined) payload.error = outcome.error;
    return {
      id: newEventId(),
      eventType: context.eventType,
      sourceSystem: context.source,
      timestamp: new Date().toISOString(),
      correlationId: context.request.requestId,
      payload: payload as EHREvent['payload'],
      metadata: {},
    };
  }
}
