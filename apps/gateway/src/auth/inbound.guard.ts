import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { ThrottlerException } from '@nestjs/throttler';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request, Response } from 'express';
import type { AuthRefusals } from '../rate-limit/auth-refusals';
import type { InboundRule } from './inbound-rules';
import { type Authenticate, presentedOverHttp } from './operator-authentication';
import { IS_PUBLIC } from './public.decorator';

export interface InboundGuardOptions {
  /** The credential check of each rule but `own`; none when the gateway takes no inbound credential (`GATEWAY_AUTH=none`). */
  authenticate?: Record<Exclude<InboundRule, 'own'>, Authenticate>;
  ruleOf: (context: ExecutionContext) => InboundRule;
  /** `GATEWAY_TRANSPORT_TRUSTED`: a message's `caller` is taken as said and no credential is asked of it. */
  trustedTransport: boolean;
  /** Counts refused requests toward the rate limit (when there is one). */
  refusals?: AuthRefusals;
}

/** The fields of a message this guard reads and writes. */
interface InboundMessage {
  caller?: unknown;
  authorization?: unknown;
}

/**
 * Requires the deployment's inbound credential (an API key, or a SMART token
 * with the operations scope; a clinician's for the console) on every HTTP route
 * not marked `@Public()` and on every message pattern, unless the route's
 * protocol has its own check (`InboundRule` `own`) or the transport is trusted.
 * A message's `caller` becomes the authenticated identity: the message context
 * (`@UseMessageContext()`, which runs after guards) takes the user from it.
 */
@Injectable()
export class InboundGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly requestContext: RequestContextService,
    private readonly options: InboundGuardOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() === 'rpc') return this.admitMessage(context);
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    const rule = this.options.ruleOf(context);
    if (isPublic || rule === 'own' || !this.options.authenticate) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const ip = request.ip ?? 'unknown';
    this.refuseWhileBlocked(response, this.options.refusals?.blockedFor(ip) ?? 0);
    try {
      this.requestContext.setUser(await this.options.authenticate[rule](presentedOverHttp(request)));
    } catch (error) {
      if (this.options.refusals && isRefusal(error)) {
        this.refuseWhileBlocked(response, await this.options.refusals.count(ip));
      }
      throw error;
    }
    return true;
  }

  private async admitMessage(context: ExecutionContext): Promise<boolean> {
    if (this.options.trustedTransport) return true;
    const data = context.switchToRpc().getData<InboundMessage | null>();
    const message: InboundMessage = data !== null && typeof data === 'object' ? data : {};
    const rule = this.options.ruleOf(context);
    // No identity is taken from the message itself; `own` patterns (FHIR under SMART) get theirs from the authorizer.
    delete message.caller;
    if (rule === 'own' || !this.options.authenticate) return true;
    const authorization = typeof message.authorization === 'string' ? message.authorization : undefined;
    try {
      message.caller = await this.options.authenticate.operator({ transport: 'message', authorization });
    } catch (error) {
      if (error instanceof HttpException) {
        throw new RpcException({ status: error.getStatus(), message: error.message });
      }
      throw error;
    }
    return true;
  }

  private refuseWhileBlocked(response: Response, seconds: number): void {
    if (seconds <= 0) return;
    response.setHeader('Retry-After', String(seconds));
    throw new ThrottlerException();
  }
}

const REFUSALS: readonly number[] = [HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN];
const isRefusal = (error: unknown) => error instanceof HttpException && REFUSALS.includes(error.getStatus());
