import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerException } from '@nestjs/throttler';
import { MessageContextGuard, RequestContextService } from '@ehr-gateway/events';
import type { Request, Response } from 'express';
import type { AuthRefusals } from '../rate-limit/auth-refusals';
import type { InboundRule } from './inbound-rules';
import { type Authenticate, presentedOverHttp } from './operator-authentication';
import { Public } from './public.decorator';

export interface InboundGuardOptions {
  /** The credential check of each rule but `own`; none when the gateway takes no inbound credential (`GATEWAY_AUTH=none`). */
  authenticate?: Record<Exclude<InboundRule, 'own'>, Authenticate>;
  ruleOf: (context: ExecutionContext) => InboundRule;
  /** `GATEWAY_TRANSPORT_TRUSTED`: a message's `caller` is taken as said and no credential is asked of it. */
  trustedTransport: boolean;
  /** Counts refused requests toward the rate limit (when there is one). */
  refusals?: AuthRefusals;
}

/** The fields of a message this guard reads (it never writes a message). */
interface InboundMessage {
  caller?: unknown;
  authorization?: unknown;
}

/**
 * Requires the deployment's inbound credential (an API key, or a SMART token
 * with the operations scope; a clinician's for the console) on every HTTP route
 * not marked `@Public()` and on every message pattern, unless the route's
 * protocol has its own check (`InboundRule` `own`) or the transport is trusted.
 * The authenticated identity is the request context's user; for a message, this
 * guard opens that context (`MessageContextGuard`), and the message's own
 * `caller` counts only on a trusted transport.
 */
@Injectable()
export class InboundGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly requestContext: RequestContextService,
    private readonly options: InboundGuardOptions,
  ) {}

  private readonly messageContext = new MessageContextGuard();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() === 'rpc') return this.admitMessage(context);
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride(Public, [context.getHandler(), context.getClass()]);
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
    await this.messageContext.canActivate(context);
    const data = context.switchToRpc().getData<InboundMessage | null>();
    const message: Readonly<InboundMessage> = data !== null && typeof data === 'object' ? data : {};
    if (this.options.trustedTransport) {
      if (typeof message.caller === 'string') this.requestContext.setUser(message.caller.slice(0, MAX_CALLER_LENGTH));
      return true;
    }
    // No identity is taken from the message itself; `own` patterns (FHIR under SMART) get theirs from the authorizer.
    const rule = this.options.ruleOf(context);
    if (rule === 'own' || !this.options.authenticate) return true;
    const authorization = typeof message.authorization === 'string' ? message.authorization : undefined;
    // A refusal (an HttpException) answers through the pattern's RPC exception filter, with its status.
    this.requestContext.setUser(await this.options.authenticate.operator({ transport: 'message', authorization }));
    return true;
  }

  private refuseWhileBlocked(response: Response, seconds: number): void {
    if (seconds <= 0) return;
    response.setHeader('Retry-After', String(seconds));
    throw new ThrottlerException();
  }
}

/** A trusted transport's `caller` as far as events and logs keep it. */
const MAX_CALLER_LENGTH = 200;

const REFUSALS: readonly number[] = [HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN];
const isRefusal = (error: unknown) => error instanceof HttpException && REFUSALS.includes(error.getStatus());
