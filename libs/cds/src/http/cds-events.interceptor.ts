import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { EHREventType, EventEmittingInterceptor, OperationDescriptor, OperationEvents } from '@ehr-gateway/events';
import type { Request } from 'express';
import { CDS_MODULE_OPTIONS } from '../cds.module-definition';
import { CdsServicesExplorer } from '../cds-services.explorer';
import type { CdsModuleOptions } from '../interfaces/cds-module-options.interface';
import type { CdsCallFacts } from '../cds-invoker';
import type { CdsResponse } from '../interfaces/cds.interfaces';

const EVENT_OF_HOOK: Record<string, EHREventType> = {
  'patient-view': EHREventType.CDS_PATIENT_VIEW,
  'order-select': EHREventType.CDS_ORDER_SELECT,
  'order-sign': EHREventType.CDS_ORDER_SIGN,
  'encounter-discharge': EHREventType.CDS_ENCOUNTER_DISCHARGE,
};

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const FHIR_REFERENCE = /^[A-Za-z]{1,64}\/[A-Za-z0-9\-.]{1,64}$/;
const HOOK_INSTANCE = /^[A-Za-z0-9._:-]{1,128}$/;

export const CDS_CALL_FACTS = Symbol('ehr-gateway:cds-call-facts');

/** The object a call's facts travel on: the HTTP request, or the message of a `cds.invoke`. */
export type CdsCallCarrier = {
  [CDS_CALL_FACTS]?: CdsCallFacts;
  cdsStartedAt?: number;
  cdsDetails?: Record<string, unknown>;
};

interface CdsCall {
  carrier: CdsCallCarrier;
  serviceId?: string;
  body: unknown;
  isFeedback: boolean;
}

/** The call an execution context carries, over HTTP (`/cds-services/{id}`) or as a `cds.invoke` message. */
function callOf(context: ExecutionContext): CdsCall {
  if (context.getType() === 'rpc') {
    const message = context.switchToRpc().getData<CdsCallCarrier & { serviceId?: unknown; request?: unknown }>();
    return {
      carrier: message,
      serviceId: typeof message.serviceId === 'string' ? message.serviceId : undefined,
      body: message.request,
      isFeedback: false,
    };
  }
  const request = context.switchToHttp().getRequest<Request & CdsCallCarrier>();
  return {
    carrier: request,
    serviceId: request.params.id as string | undefined,
    body: request.body,
    isFeedback: context.getHandler().name === 'feedback',
  };
}

/**
 * One event per CDS call: the hook's own event (`cds.patient.view`, ...), or
 * `ehr.generic` with the hook for any other hook and for feedback. Carries
 * ids, counts and timing; never prefetch data or tokens.
 */
@Injectable()
export class CdsEventsInterceptor extends EventEmittingInterceptor {
  constructor(
    operationEvents: OperationEvents,
    private readonly services: CdsServicesExplorer,
    @Inject(CDS_MODULE_OPTIONS) options: CdsModuleOptions,
  ) {
    super(operationEvents, options);
  }

  protected describe(context: ExecutionContext): OperationDescriptor | null {
    const { carrier, serviceId, body, isFeedback } = callOf(context);
    if (!serviceId) return null;
    carrier.cdsStartedAt = performance.now();
    carrier[CDS_CALL_FACTS] = {};
    const hook = this.services.get(serviceId)?.definition.hook ?? 'unknown';
    const request = (body && typeof body === 'object' ? body : {}) as {
      hookInstance?: unknown;
      context?: Record<string, unknown>;
    };
    const hookContext = request.context && typeof request.context === 'object' ? request.context : {};
    // Only identifiers go into events: a value of another shape (an invalid request) could be anything.
    const identifier = (value: unknown, shape: RegExp) =>
      !isFeedback && typeof value === 'string' && shape.test(value) ? value : undefined;
    carrier.cdsDetails = {
      serviceId,
      hook,
      hookInstance: identifier(request.hookInstance, HOOK_INSTANCE),
      patientId: identifier(hookContext.patientId, FHIR_ID),
      encounterId: identifier(hookContext.encounterId, FHIR_ID),
      userId: identifier(hookContext.userId, FHIR_REFERENCE),
    };
    return {
      eventType: isFeedback ? EHREventType.EHR_GENERIC : (EVENT_OF_HOOK[hook] ?? EHREventType.EHR_GENERIC),
      operation: isFeedback ? 'feedback' : 'invoke',
      source: serviceId,
      details: carrier.cdsDetails,
    };
  }

  protected override describeResult(result: unknown, context: ExecutionContext): Partial<OperationDescriptor> {
    const cardsCount = (result as CdsResponse | undefined)?.cards?.length;
    return { details: { ...this.facts(context), cardsCount } };
  }

  protected override describeFailure(_error: unknown, context: ExecutionContext): Partial<OperationDescriptor> {
    return { details: this.facts(context) };
  }

  private facts(context: ExecutionContext): Record<string, unknown> {
    const { carrier } = callOf(context);
    const started = carrier.cdsStartedAt;
    return {
      ...carrier.cdsDetails,
      prefetchFetched: carrier[CDS_CALL_FACTS]?.prefetchFetched ?? [],
      durationMs: started === undefined ? undefined : Math.round((performance.now() - started) * 10) / 10,
    };
  }
}
