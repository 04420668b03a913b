import { ExecutionContext, Injectable } from '@nestjs/common';
import {
  CdsEventDetails,
  EHREventType,
  EventEmittingInterceptor,
  OperationDescriptor,
  OperationEvents,
  OperationFactFields,
} from '@ehr-gateway/events';
import { FHIR_ID_PATTERN, UNKNOWN_SOURCE, fhirReferencePattern } from '@ehr-gateway/fhir';
import type { Request } from 'express';
import { InjectCdsOptions } from '../cds.module-definition';
import { CdsCallEventType, invocationEventType } from '../cds-event-type';
import { CdsServicesExplorer } from '../cds-services.explorer';
import type { CdsModuleOptions } from '../interfaces/cds-module-options.interface';
import type { CdsResponse } from '../dto/cds-response.dto';

interface CdsCall {
  serviceId?: string;
  body: unknown;
  isFeedback: boolean;
}

/** The call an execution context carries, over HTTP (`/cds-services/{id}`) or as a `cds.invoke` message. */
function callOf(context: ExecutionContext): CdsCall {
  if (context.getType() === 'rpc') {
    const message = context.switchToRpc().getData<{ serviceId?: unknown; request?: unknown }>();
    return {
      serviceId: typeof message.serviceId === 'string' ? message.serviceId : undefined,
      body: message.request,
      isFeedback: false,
    };
  }
  const request = context.switchToHttp().getRequest<Request>();
  return {
    serviceId: request.params.id as string | undefined,
    body: request.body,
    isFeedback: context.getHandler().name === 'feedback',
  };
}

const FHIR_REFERENCE = fhirReferencePattern();
const HOOK_INSTANCE = /^[A-Za-z0-9._:-]{1,128}$/;
/** Only identifiers go into events: a value of another shape (an invalid request) could be anything. */
const identifier = (value: unknown, shape: RegExp) =>
  typeof value === 'string' && shape.test(value) ? value : undefined;

/**
 * One event per CDS call: the hook's own event (`cds.patient.view`, ...), or
 * `ehr.generic` with the hook for any other hook and for feedback. Carries
 * ids, counts and timing; never prefetch data or tokens. The invoker adds the
 * prefetch keys it fetched through `OperationFacts`.
 */
@Injectable()
export class CdsEventsInterceptor extends EventEmittingInterceptor<CdsCallEventType> {
  constructor(
    operationEvents: OperationEvents,
    private readonly services: CdsServicesExplorer,
    @InjectCdsOptions() options: CdsModuleOptions,
  ) {
    super(operationEvents, options);
  }

  protected describe(context: ExecutionContext): OperationDescriptor<CdsCallEventType> | null {
    const call = callOf(context);
    if (!call.serviceId) return null;
    const service = this.services.get(call.serviceId);
    // An id no service has is recorded as `unknown`: it could be anything a caller typed.
    const serviceId = service ? call.serviceId : UNKNOWN_SOURCE;
    const { body, isFeedback } = call;
    const hook = service?.definition.hook ?? 'unknown';
    const request = (body && typeof body === 'object' ? body : {}) as {
      hookInstance?: unknown;
      context?: Record<string, unknown>;
    };
    const hookContext = request.context && typeof request.context === 'object' ? request.context : {};
    const details: CdsEventDetails = isFeedback
      ? { serviceId, hook }
      : {
          serviceId,
          hook,
          hookInstance: identifier(request.hookInstance, HOOK_INSTANCE),
          patientId: identifier(hookContext.patientId, FHIR_ID_PATTERN),
          encounterId: identifier(hookContext.encounterId, FHIR_ID_PATTERN),
          userId: identifier(hookContext.userId, FHIR_REFERENCE),
        };
    const eventType = isFeedback ? EHREventType.EHR_GENERIC : invocationEventType(hook);
    return { eventType, operation: isFeedback ? 'feedback' : 'invoke', source: serviceId, details };
  }

  protected override describeResult(result: unknown): OperationFactFields<CdsCallEventType> {
    return { cardCount: (result as CdsResponse | undefined)?.cards?.length };
  }
}
