import { Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { UseMessageContext } from '@ehr-gateway/events';
import { CdsInvoker } from '../cds-invoker';
import type { CdsResponse } from '../dto/cds-response.dto';
import { CdsEventsInterceptor } from './cds-events.interceptor';
import { CdsRpcExceptionFilter } from './cds-rpc-exception.filter';

/** `cds.invoke`: `{ serviceId, request, caller?, requestId? }`. */
interface CdsInvokeMessage {
  serviceId: string;
  request: unknown;
  caller?: string;
  requestId?: string;
}

/**
 * CDS service calls by message pattern (the gateway as a Nest microservice):
 * the same invoker, validation and event as over HTTP; errors come back as
 * `{ status, error, message, details }` through `CdsRpcExceptionFilter`.
 */
@Controller()
@UseFilters(CdsRpcExceptionFilter)
// Listed after the message context, so the context (nestjs-cls) is open when the events interceptor begins the call.
@UseInterceptors(CdsEventsInterceptor)
@UseMessageContext()
export class CdsMessagesController {
  constructor(private readonly invoker: CdsInvoker) {}

  @MessagePattern('cds.invoke')
  invoke(@Payload() message: CdsInvokeMessage): Promise<CdsResponse> {
    return this.invoker.invoke(message.serviceId, message.request);
  }
}
