import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import {
  InboundAuthenticator,
  InsufficientScopeError,
  InvalidTokenError,
  MissingCredentialError,
} from '@ehr-gateway/auth';
import type { Caller } from '@ehr-gateway/auth';
import type { Request } from 'express';
import type { GatewayConfig } from '../config/gateway-config';
import { ApiKeys } from './api-keys';

/** Authenticates the caller of a route that is no FHIR interaction: its label (`api-key#1`, a token's user or client). */
export type Authenticate = (request: Request) => Promise<string>;

const header = (request: Request, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The credential the routes that are no FHIR interaction need (metrics, docs,
 * ...): an API key of `GATEWAY_API_KEYS`, or with `GATEWAY_AUTH=smart` also a
 * SMART token granting `SMART_OPERATIONS_SCOPE` (checked by `@ehr-gateway/auth`,
 * like every token). 401 without a valid credential, 403 naming the scope a
 * valid token lacks.
 */
export function operatorAuthentication(config: GatewayConfig, authenticator?: InboundAuthenticator): Authenticate {
  if (!config.gateway.auth.includes('smart') || !authenticator) return apiKeyAuthentication(config);
  return withHttpErrors((presented) => authenticator.authenticateOperator(presented));
}

/**
 * The console's routes (its event stream, CDA mapping and the sources' status it
 * lists): like `operatorAuthentication`, but a clinician's `user/` token is
 * enough; a patient-level token is refused, since the console shows every
 * patient's events.
 */
export function consoleAuthentication(config: GatewayConfig, authenticator?: InboundAuthenticator): Authenticate {
  if (!config.gateway.auth.includes('smart') || !authenticator) return apiKeyAuthentication(config);
  return withHttpErrors(async (presented) => {
    const caller = await authenticator.authenticate(presented);
    if (caller.credential === 'smart' && !seesEveryPatient(caller)) {
      throw new ForbiddenException(
        'The console needs a user/ or system/ scope such as user/*.rs or system/*.rs (a patient-level token sees one patient)',
      );
    }
    return caller;
  });
}

const seesEveryPatient = (caller: Caller) => caller.scopes.some((scope) => scope.context !== 'patient');

function apiKeyAuthentication(config: GatewayConfig): Authenticate {
  const keys = new ApiKeys(config.gateway.apiKeys);
  return async (request) => keys.authenticate(request);
}

type PresentedCredentials = Parameters<InboundAuthenticator['authenticate']>[0];

function withHttpErrors(check: (presented: PresentedCredentials) => Promise<Caller>): Authenticate {
  return async (request) => {
    try {
      const caller = await check({
        transport: 'http',
        authorization: header(request, 'authorization'),
        apiKey: header(request, 'x-api-key'),
      });
      return caller.user ?? caller.clientId ?? caller.credential;
    } catch (error) {
      if (error instanceof InsufficientScopeError) throw new ForbiddenException(error.message);
      if (error instanceof MissingCredentialError || error instanceof InvalidTokenError) {
        throw new UnauthorizedException(error.message);
      }
      throw error;
    }
  };
}
