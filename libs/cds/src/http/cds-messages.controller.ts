import { Controller, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { UseMessageContext } from '@ehr-gateway/events';
import { CdsInvoker } from '../cds-invoker';
import type { CdsResponse } from '../interfaces/cds.interfaces';
import { CdsError } from './cds-errors';
import { CDS_CALL_FACTS, CdsCallCarrier, CdsEventsInterceptor } from './cds-events.interceptor';

/** `cds.invoke`: `{ serviceId, request, caller?, requestId? }`. */
type CdsInvokeMessage = CdsCallCarrier & { serviceId: string; request: unknown; caller?: string; requestId?: string };

/**
 * CDS service calls by message pattern (the gateway as a Nest microservice):
 * the same invoker, validation and event as over HTTP; errors come back as
 * `{ status, error, message, details }`.
 */
@Controller()
@UseMessageContext()
@UseInterceptors(CdsEventsInterceptor)
export class CdsMessagesController {
  constructor(private readonly invoker: CdsInvoker) {}

  @MessagePattern('cds.invoke')
  async invoke(@Payload() message: CdsInvokeMessage): Promise<CdsResponse> {
    try {
      return await this.invoker.invoke(message.serviceId, message.request, (message[CDS_CALL_FACTS] ??= {}));
    } catch (error) {
      if (error instanceof CdsError) {
        throw new RpcException({
          status: error.status,
          error: error.name,
          message: error.message,
          details: error.details,
        });
      }
      throw error;
    }
  }
}
