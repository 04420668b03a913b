import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { EHREvent, EHREventType, FhirEventType, OnEhrEvent, isEventOfFamily } from '@ehr-gateway/events';

@Injectable()
export class AuditListener implements OnModuleInit {
  constructor(private readonly emitter: EventEmitter2) {}

  // Typed: the handler must accept the events of the types it names.
  @OnEhrEvent(EHREventType.FHIR_READ)
  onRead(event: EHREvent<EHREventType.FHIR_READ>) {
    console.log(event.payload.resourceType, event.payload.resourceId);
  }

  @OnEhrEvent('fhir.patient.*') // every Patient operation: a FHIR pattern gives FHIR payloads
  onPatient(event: EHREvent<FhirEventType>) {
    console.log(event.eventType, event.payload.resourceId);
  }

  @OnEhrEvent('cds.**') // every CDS hook (CDS names have three segments: cds.* matches none)
  onCds(event: EHREvent) {
    console.log(event.sourceSystem);
  }

  @OnEhrEvent('**') // every EHR event, and never one the host application emits
  onEverything(event: EHREvent) {
    if (isEventOfFamily(event, 'fhir')) console.log(event.payload.resourceType);
  }

  @OnEvent('fhir.*.read') // untyped, and also a host listener: it gets what the host emits under its pattern
  onAnyRead(event: EHREvent) {
    console.log(event.id);
  }

  onModuleInit() {
    // The injected EventEmitter2: on, once, many, onAny and wildcards get EHR events, and the host's own.
    this.emitter.on('fhir.*.read', (event: EHREvent) => console.log(event.id));
    this.emitter.onAny((name: string | string[], event: unknown) => console.log(name, event));
  }
}
