import { Injectable } from '@nestjs/common';
import { EHREvent, newEventId } from './ehr-event';
import type { EhrEventCreator, OperationContext } from './interfaces';

/** Builds one event per operation: references and outcome in the payload, nothing from the request beyond its id. */
@Injectable()
export class DefaultEhrEventCreator implements EhrEventCreator {
  create(context: OperationContext): EHREvent {
    const { outcome, request } = context;
    // One fixed object shape for every event (absent fields are undefined and vanish from JSON):
    // cheaper than adding properties one by one on this per-operation path.
    const payload = {
      ...context.details,
      operation: context.operation,
      source: context.source,
      outcome: outcome.outcome,
      status: outcome.status,
      error: outcome.error,
      resourceType: context.resourceType,
      resourceId: context.resourceId,
      versionId: context.versionId,
      resource: context.resource,
    };
    return {
      id: newEventId(),
      eventType: context.eventType,
      sourceSystem: context.source,
      timestamp: new Date().toISOString(),
      correlationId: context.request.requestId,
      payload,
      // The caller and the access decision: references and codes, never a token.
      metadata: {
        user: request.user,
        clientId: request.clientId,
        patient: request.patient,
        scopes: request.scopes,
        purposeOfUse: request.purposeOfUse,
        authorization: request.authorization,
      },
    };
  }
}
