import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { EHREventType, EventEmittingInterceptor, OperationDescriptor, OperationEvents } from '@ehr-gateway/events';
import type { Request } from 'express';
import { CDS_MODULE_OPTIONS } from '../cds.module-definition';
import { CdsServicesExplorer } from '../cds-services.explorer';
import type { CdsModuleOptions } from '../interfaces/cds-module-options.interface';
import type { CdsResponse } from '../interfaces/cds.interfaces';

const EVENT_OF_HOOK: Record<string, EHREventType> = {
  'patient-view': EHREventType.CDS_PATIENT_VIEW,
  'order-select': EHREventType.CDS_ORDER_SELECT,
  'order-sign': EHREventType.CDS_ORDER_SIGN,
  'encounter-discharge': EHREventType.CDS_ENCOUNTER_DISCHARGE,
};

/** What the invoke handler learnt, for the event: set on the request while it is handled. */
export interface CdsCallFacts {
  prefetchFetched?: string[];
  userId?: string;
}
export const CDS_CALL_FACTS = Symbol('ehr-gateway:cds-call-facts');
type CdsHttpRequest = Request & {
  [CDS_CALL_FACTS]?: CdsCallFacts;
  cdsStartedAt?: number;
  cdsDetails?: Record<string, unknown>;
};

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
    @Inject(CDS_MODULE_OPTIONS) private readonly options: CdsModuleOptions,
  ) {
    super(operationEvents);
  }

  protected override eventsEnabled(): boolean {
    return this.options.events !== false;
  }

  protected override successStatus(): number {
    return 200;
  }

  protected describe(context: ExecutionContext): OperationDescriptor | null {
    const request = context.switchToHttp().getRequest<CdsHttpRequest>();
    const serviceId = request.params.id as string | undefined;
    if (!serviceId) return null;
    request.cdsStartedAt = performance.now();
    const isFeedback = context.getHandler().name === 'feedback';
    const hook = this.services.get(serviceId)?.definition.hook ?? 'unknown';
    const body = (request.body ?? {}) as { hookInstance?: unknown; context?: Record<string, unknown> };
    const hookContext = body.context && typeof body.context === 'object' ? body.context : {};
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : undefined);
    request.cdsDetails = {
      serviceId,
      hook,
      hookInstance: isFeedback ? undefined : text(body.hookInstance),
      patientId: isFeedback ? undefined : text(hookContext.patientId),
      encounterId: isFeedback ? undefined : text(hookContext.encounterId),
      userId: isFeedback ? undefined : text(hookContext.userId),
    };
    return {
      eventType: isFeedback ? EHREventType.EHR_GENERIC : (EVENT_OF_HOOK[hook] ?? EHREventType.EHR_GENERIC),
      operation: isFeedback ? 'feedback' : 'invoke',
      source: serviceId,
      details: request.cdsDetails,
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
    const request = context.switchToHttp().getRequest<CdsHttpRequest>();
    const facts = request[CDS_CALL_FACTS] ?? {};
    return {
      ...request.cdsDetails,
      prefetchFetched: facts.prefetchFetched ?? [],
      durationMs:
        request.cdsStartedAt === undefined
          ? undefined
          : Math.round((performance.now() - request.cdsStartedAt) * 10) / 10,
    };
  }
}
