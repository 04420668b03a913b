import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { InboundAuthenticator, InvalidTokenError, MissingCredentialError, type Caller } from '@ehr-gateway/auth';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request, Response } from 'express';

/** A clinician's or the deployment's credential, not a patient's app: the console shows every patient's events. */
const seesEveryPatient = (caller: Caller) => caller.scopes.some((scope) => scope.context !== 'patient');

/**
 * The console's API routes when `GATEWAY_AUTH` includes `smart`: an API key
 * (when accepted) or a SMART access token with a `user/` or `system/` scope,
 * checked by the same authenticator as the FHIR surface. Without `smart` there
 * is no authenticator here and the gateway's API-key guard has already decided.
 */
@Injectable()
export class ConsoleCallerGuard implements CanActivate {
  constructor(
    private readonly requestContext: RequestContextService,
    @Optional() private readonly authenticator?: InboundAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.authenticator) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const apiKey = request.header('x-api-key');
    let caller: Caller;
    try {
      caller = await this.authenticator.authenticate({
        transport: 'http',
        authorization: request.header('authorization'),
        apiKey,
      });
    } catch (error) {
      if (!(error instanceof InvalidTokenError) && !(error instanceof MissingCredentialError)) throw error;
      context.switchToHttp().getResponse<Response>().set('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(error.message);
    }
    if (!seesEveryPatient(caller))
      throw new ForbiddenException(
        'The console needs a user/ or system/ scope (a patient-level token sees one patient)',
      );
    this.requestContext.assign({ user: caller.user, clientId: caller.clientId });
    return true;
  }
}
