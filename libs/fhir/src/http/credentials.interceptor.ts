import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

/**
 * Records the credential a FHIR call presented (the HTTP `Authorization` or `X-API-Key` header,
 * a message's `authorization` field), so that each operation it leads to is
 * checked against it by the module's access control.
 */
@Injectable()
export class PresentedCredentialsInterceptor implements NestInterceptor {
  constructor(private readonly requestContext: RequestContextService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'rpc') {
      const authorization = context.switchToRpc().getData<{ authorization?: unknown } | undefined>()?.authorization;
      this.requestContext.presentCredentials({
        transport: 'message',
        authorization: typeof authorization === 'string' ? authorization : undefined,
      });
    } else {
      const { authorization, 'x-api-key': apiKey } = context.switchToHttp().getRequest<Request>().headers;
      this.requestContext.presentCredentials({
        transport: 'http',
        authorization,
        apiKey: typeof apiKey === 'string' ? apiKey : undefined,
      });
    }
    return next.handle();
  }
}
