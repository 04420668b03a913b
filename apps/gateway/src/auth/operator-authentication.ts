import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import {
  InboundAuthenticator,
  InsufficientScopeError,
  InvalidTokenError,
  MissingCredentialError,
} from '@ehr-gateway/auth';
import type { Caller } from '@ehr-gateway/auth';
import type { PresentedCredentials } from '@ehr-gateway/events';
import type { Request } from 'express';
import type { GatewayConfig } from '../config/gateway-config';
import { ApiKeys } from './api-keys';

/**
 * Authenticates the caller of a route or message pattern that is no FHIR interaction: its label (`api-key#1`, a
 * token's user or client).
 */
export type Authenticate = (presented: PresentedCredentials) => Promise<string>;

const header = (request: Request, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** What an HTTP request presents: its `Authorization` and `X-API-Key` headers. */
export const presentedOverHttp = (request: Request): PresentedCredentials => ({
  transport: 'http',
  authorization: header(request, 'authorization'),
  apiKey: header(request, 'x-api-key'),
});

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

export const CONSOLE_SCOPE_RULE =
  'The console needs read on every resource type in a user/ or system/ scope (user/*.rs, system/*.rs)';

/**
 * The console's routes (its event stream, CDA mapping and the sources' status it
 * lists): like `operatorAuthentication`, but a clinician's token is enough if it
 * could read every patient's data itself, since the console shows every
 * patient's events: a `user/` or `system/` scope granting read on every
 * resource type without a restriction (`user/*.rs`). A patient in the launch
 * context does not narrow a `user/` scope, so a clinician launched from a
 * patient's chart with `user/*.rs` may open it; `patient/` scopes never count.
 */
export function consoleAuthentication(config: GatewayConfig, authenticator?: InboundAuthenticator): Authenticate {
  if (!config.gateway.auth.includes('smart') || !authenticator) return apiKeyAuthentication(config);
  return withHttpErrors(async (presented) => {
    const caller = await authenticator.authenticate(presented);
    if (caller.credential === 'smart' && !readsEveryPatient(caller)) throw new ForbiddenException(CONSOLE_SCOPE_RULE);
    return caller;
  });
}

const readsEveryPatient = (caller: Caller) =>
  caller.scopes.some(
    (scope) =>
      scope.context !== 'patient' && scope.resourceType === '*' && !scope.restriction && scope.permissions.has('r'),
  );

function apiKeyAuthentication(config: GatewayConfig): Authenticate {
  const keys = new ApiKeys(config.gateway.apiKeys);
  return async (presented) => keys.authenticate(presented);
}

function withHttpErrors(check: (presented: PresentedCredentials) => Promise<Caller>): Authenticate {
  return async (presented) => {
    try {
      const caller = await check(presented);
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
