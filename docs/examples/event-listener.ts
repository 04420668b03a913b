import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { EHREvent, EHREventType, OnEhrEvent, isEventOfFamily } from '@ehr-gateway/events';

@Injectable()
export class AuditListener implements OnModuleInit {
  constructor(private readonly emitter: EventEmitter2) {}

  // Typed: the handler must accept the events of the types it names.
  @OnEhrEvent(EHREventType.FHIR_READ)
  onRead(event: EHREvent<EHREventType.FHIR_READ>) {
    console.log(event.payload.resourceType, event.payload.resourceId);
  }

  @OnEvent('fhir.patient.*') // every Patient operation
  onPatient(event: EHREvent) {
    console.log(event.eventType);
  }

  @OnEvent('cds.**') // every CDS hook (CDS names have three segments: cds.* matches none)
  onCds(event: EHREvent) {
    console.log(event.sourceSystem);
  }

  @OnEvent('**') // everything
  onEverything(event: EHREvent) {
    if (isEventOfFamily(event, 'fhir')) console.log(event.payload.resourceType);
  }

  onModuleInit() {
    // The injected EventEmitter2: on, once, many, onAny and wildcards all get EHR events.
    this.emitter.on('fhir.*.read', (event: EHREvent) => console.log(event.id));
    this.emitter.onAny((name: string | string[], event: unknown) => console.log(name, event));
  }
}
