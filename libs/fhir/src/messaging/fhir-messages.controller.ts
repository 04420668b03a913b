import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { UseMessageContext } from '@ehr-gateway/events';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { FhirGateway, SearchParams } from '../fhir-gateway.service';
import { PresentedCredentialsInterceptor } from '../http/credentials.interceptor';
import { FhirRpcExceptionFilter } from './fhir-rpc-exception.filter';

/** What every FHIR message carries besides the operation's own fields. */
interface FhirMessage {
  source?: string;
  /** Who asks (the calling service or user), for the request context and events. */
  caller?: string;
  requestId?: string;
  /** The caller's credential (`Bearer <access token>`), checked like an HTTP call's unless the transport is trusted. */
  authorization?: string;
}

/**
 * The FHIR operations by message pattern, for other services when the gateway
 * runs as a hybrid Nest microservice (`GATEWAY_TRANSPORT`). They go through the
 * same `FhirGateway` (same validation, errors and one event per operation);
 * errors come back as `{ status, outcome }` through `FhirRpcExceptionFilter`.
 */
// Decorators apply bottom-up: the message context is set up first, then the credential recorded in it.
@Controller()
@UseFilters(FhirRpcExceptionFilter)
@UseInterceptors(PresentedCredentialsInterceptor)
@UseMessageContext()
export class FhirMessagesController {
  constructor(private readonly gateway: FhirGateway) {}

  @MessagePattern('fhir.read')
  read(@Payload() message: FhirMessage & { resourceType: string; id: string }): Promise<Resource> {
    return this.gateway.read(message.resourceType, message.id, { source: message.source });
  }

  @MessagePattern('fhir.search')
  search(@Payload() message: FhirMessage & { resourceType: string; params?: SearchParams }): Promise<Bundle> {
    return this.gateway.search(message.resourceType, message.params, { source: message.source });
  }

  @MessagePattern('fhir.create')
  create(@Payload() message: FhirMessage & { resource: Resource; ifNoneExist?: string }): Promise<Resource> {
    return this.gateway.create(message.resource, { source: message.source, ifNoneExist: message.ifNoneExist });
  }

  @MessagePattern('fhir.update')
  update(@Payload() message: FhirMessage & { resource: Resource; ifMatch?: string }): Promise<Resource> {
    return this.gateway.update(message.resource, { source: message.source, ifMatch: message.ifMatch });
  }

  @MessagePattern('fhir.delete')
  async delete(@Payload() message: FhirMessage & { resourceType: string; id: string }): Promise<{ deleted: true }> {
    await this.gateway.delete(message.resourceType, message.id, { source: message.source });
    return { deleted: true };
  }

  @MessagePattern('fhir.transaction')
  transaction(@Payload() message: FhirMessage & { bundle: Bundle }): Promise<Bundle> {
    return message.bundle?.type === 'batch'
      ? this.gateway.batch(message.bundle, { source: message.source })
      : this.gateway.transaction(message.bundle, { source: message.source });
  }
}
