import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import {
  InboundAuthenticator,
  InsufficientScopeError,
  InvalidTokenError,
  MissingCredentialError,
} from '@ehr-gateway/auth';
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
 * The credential the routes that are no FHIR interaction need (events, metrics,
 * docs, `/fhir/status`, ...): an API key of `GATEWAY_API_KEYS`, or with
 * `GATEWAY_AUTH=smart` also a SMART token granting `SMART_OPERATIONS_SCOPE`
 * (checked by `@ehr-gateway/auth`, like every token). 401 without a valid
 * credential, 403 naming the scope a valid token lacks.
 */
export function operatorAuthentication(config: GatewayConfig, authenticator?: InboundAuthenticator): Authenticate {
  if (!config.gateway.auth.includes('smart') || !authenticator) {
    const keys = new ApiKeys(config.gateway.apiKeys);
    return async (request) => keys.authenticate(request);
  }
  return async (request) => {
    try {
      const caller = await authenticator.authenticateOperator({
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
