import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request } from 'express';
import type { ApiKeys } from './api-keys';
import { IS_PUBLIC } from './public.decorator';

/** Requires one of the configured API keys on every HTTP route not marked `@Public()`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  /**
   * @param exemptPrefixes paths authenticated by their protocol's own check instead
   *   (the CDS Hooks routes when CDS JWT verification is on: an EHR sends its JWT, not an API key)
   */
  constructor(
    private readonly keys: ApiKeys,
    private readonly reflector: Reflector,
    private readonly requestContext: RequestContextService,
    private readonly exemptPrefixes: string[] = [],
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<Request>();
    if (isPublic || request.method === 'OPTIONS') return true;
    if (this.exemptPrefixes.some((prefix) => request.path === prefix || request.path.startsWith(`${prefix}/`)))
      return true;
    this.requestContext.setUser(this.keys.authenticate(request));
    return true;
  }
}
