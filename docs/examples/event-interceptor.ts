import { Injectable } from '@nestjs/common';
import { EHREventType, EventEmittingInterceptor, OperationDescriptor, OperationEvents } from '@ehr-gateway/events';

@Injectable()
export class ExportInterceptor extends EventEmittingInterceptor<EHREventType.EHR_GENERIC> {
  constructor(events: OperationEvents) {
    super(events);
  }
  protected describe(): OperationDescriptor<EHREventType.EHR_GENERIC> {
    return { eventType: EHREventType.EHR_GENERIC, operation: 'export', source: 'my-module', details: {} };
  }
}
