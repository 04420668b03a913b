import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeys } from '@ehr-gateway/auth';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request } from 'express';
import { IS_PUBLIC } from './public.decorator';

/** The caller's key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
function presentedKey(request: Request): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = request.headers.authorization;
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Requires one of the configured API keys (compared in constant time) on every HTTP route not marked `@Public()`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: ApiKeys;

  /**
   * @param exemptPrefixes paths authenticated by their protocol's own check instead
   *   (the CDS Hooks routes when CDS JWT verification is on: an EHR sends its JWT, not an API key;
   *   the FHIR routes when SMART tokens are accepted: the FHIR access control checks both)
   */
  constructor(
    apiKeys: string[],
    private readonly reflector: Reflector,
    private readonly requestContext: RequestContextService,
    private readonly exemptPrefixes: string[] = [],
  ) {
    this.keys = new ApiKeys(apiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<Request>();
    if (isPublic || request.method === 'OPTIONS') return true;
    if (this.exemptPrefixes.some((prefix) => request.path === prefix || request.path.startsWith(`${prefix}/`)))
      return true;

    const key = presentedKey(request);
    if (key === undefined)
      throw new UnauthorizedException('An API key is required (Authorization: Bearer or X-API-Key)');
    const label = this.keys.labelOf(key);
    if (label === undefined) throw new UnauthorizedException('The API key is not valid');
    this.requestContext.setUser(label);
    return true;
  }
}
