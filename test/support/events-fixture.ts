import {
  Controller,
  ExecutionContext,
  Get,
  HttpException,
  Injectable,
  Module,
  Param,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  EHREvent,
  EHREventType,
  EHR_EVENT_TYPES,
  EventEmittingInterceptor,
  OperationDescriptor,
  OperationEvents,
} from '@ehr-gateway/events';
import type { Request } from 'express';

/** Emits the event named in the URL: `GET /ops/fhir.read/Patient/1?fail=404` (type and id optional). */
@Injectable()
export class FixtureOperationInterceptor extends EventEmittingInterceptor {
  constructor(operationEvents: OperationEvents) {
    super(operationEvents);
  }

  protected describe(context: ExecutionContext): OperationDescriptor | null {
    const request = context.switchToHttp().getRequest<Request>();
    const eventType = request.params.eventType as EHREventType;
    if (!EHR_EVENT_TYPES.includes(eventType)) return null;
    const { resourceType, id } = request.params as Record<string, string | undefined>;
    // A test shape: any event type, with a FHIR operation's fields (hence the cast).
    return {
      eventType,
      operation: eventType.split('.').pop()!,
      source: 'fixture',
      details: { resourceType, resourceId: id },
    } as OperationDescriptor;
  }
}

@Controller('ops')
@UseInterceptors(FixtureOperationInterceptor)
export class FixtureOperationsController {
  @Get(':eventType{/:resourceType}{/:id}')
  perform(@Param() params: Record<string, string | undefined>, @Query('fail') fail?: string) {
    if (fail) throw new HttpException(`fixture failure ${fail}`, Number(fail));
    return { ...params, secret: 'operation-data' };
  }
}

/** One listener per pattern under test, each recording the ids of the events it got. */
@Injectable()
export class PatternListeners {
  readonly received: Record<string, string[]> = {};

  @OnEvent('fhir.read') onFhirRead(event: EHREvent) {
    this.record('fhir.read', event);
  }
  @OnEvent('fhir.patient.*') onPatientAny(event: EHREvent) {
    this.record('fhir.patient.*', event);
  }
  @OnEvent('fhir.*.read') onAnyRead(event: EHREvent) {
    this.record('fhir.*.read', event);
  }
  @OnEvent('fhir.*') onFhirOneSegment(event: EHREvent) {
    this.record('fhir.*', event);
  }
  @OnEvent('fhir.**') onFhirAll(event: EHREvent) {
    this.record('fhir.**', event);
  }
  @OnEvent('cds.**') onCds(event: EHREvent) {
    this.record('cds.**', event);
  }
  @OnEvent('**') onEverything(event: EHREvent) {
    this.record('**', event);
  }
  @OnEvent('fhir.read')
  @OnEvent('fhir.patient.*')
  onStacked(event: EHREvent) {
    this.record('stacked', event);
  }
  @OnEvent('cds.*') onMistyped(event: EHREvent) {
    this.record('cds.*', event);
  }

  count(pattern: string): number {
    return this.received[pattern]?.length ?? 0;
  }

  private record(pattern: string, event: EHREvent) {
    (this.received[pattern] ??= []).push(event.id);
  }
}

/** Listeners that fail in every way a listener can, on every event. */
@Injectable()
export class FailingListeners {
  calls = 0;

  @OnEvent('**') throwsSync() {
    this.calls++;
    throw new Error('sync listener failure');
  }
  @OnEvent('**') async rejects() {
    this.calls++;
    await Promise.resolve();
    throw new Error('async listener failure');
  }
  @OnEvent('**', { suppressErrors: false }) async rejectsUnsuppressed() {
    this.calls++;
    throw new Error('unsuppressed listener failure');
  }
}

@Module({ controllers: [FixtureOperationsController], providers: [FixtureOperationInterceptor] })
export class FixtureOperationsModule {}
