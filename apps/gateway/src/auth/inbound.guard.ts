import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request } from 'express';
import type { Authenticate } from './operator-authentication';
import { IS_PUBLIC } from './public.decorator';

/**
 * Requires the deployment's inbound credential (`operatorAuthentication`: an API
 * key, or a SMART token with the operations scope) on every HTTP route not marked
 * `@Public()` and not left to its protocol's own check.
 */
@Injectable()
export class InboundGuard implements CanActivate {
  /**
   * @param exempt paths authenticated by their protocol's own check instead (the FHIR interactions with SMART
   *   tokens; the CDS Hooks routes when CDS JWT verification is on: an EHR sends its JWT, not an API key)
   */
  constructor(
    private readonly authenticate: Authenticate,
    private readonly reflector: Reflector,
    private readonly requestContext: RequestContextService,
    private readonly exempt: (path: string) => boolean = () => false,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<Request>();
    if (isPublic || request.method === 'OPTIONS' || this.exempt(request.path)) return true;
    this.requestContext.setUser(await this.authenticate(request));
    return true;
  }
}
