import { Inject, Injectable } from '@nestjs/common';
import type { PresentedCredentials } from '@ehr-gateway/events';
import { ApiKeys } from './api-keys';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import type { AuthModuleOptions } from './interfaces/auth-module-options.interface';
import type { Caller } from './interfaces/caller.interface';
import { parseScope, parseScopes } from './scopes';
import { InvalidTokenError, SmartTokenVerifier } from './token/smart-token-verifier';

/** No credential was presented. */
export class MissingCredentialError extends Error {
  constructor() {
    super('An access token is required (Authorization: Bearer)');
  }
}

/** The credential is valid but does not grant the scope a route needs. */
export class InsufficientScopeError extends Error {
  constructor(readonly requiredScope: string) {
    super(`The access token does not grant the scope ${requiredScope}`);
  }
}

/** API keys and trusted transports act for the deployment itself: everything is allowed. */
const EVERYTHING = parseScopes('system/*.cruds');

const bearerOf = (authorization: string | undefined) => authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];

/** Turns the credential an inbound call presented into its caller, by the credentials `GATEWAY_AUTH` accepts. */
@Injectable()
export class InboundAuthenticator {
  private readonly apiKeys?: ApiKeys;
  private readonly verifier?: SmartTokenVerifier;

  constructor(@Inject(AUTH_MODULE_OPTIONS) private readonly options: AuthModuleOptions) {
    if (options.credentials.includes('api-key')) this.apiKeys = new ApiKeys(options.apiKeys ?? []);
    if (options.credentials.includes('smart') && options.smart) this.verifier = new SmartTokenVerifier(options.smart);
  }

  /** The caller, or throws `MissingCredentialError` / `InvalidTokenError`. */
  async authenticate(presented: PresentedCredentials, messageCaller?: string): Promise<Caller> {
    if (presented.transport === 'message' && this.options.trustedTransport) {
      return { credential: 'trusted-transport', user: messageCaller, scopes: EVERYTHING, grantedScopes: [] };
    }
    const bearer = bearerOf(presented.authorization);
    const key = presented.apiKey ?? bearer;
    const keyLabel = key === undefined ? undefined : this.apiKeys?.labelOf(key);
    if (keyLabel) return { credential: 'api-key', user: keyLabel, scopes: EVERYTHING, grantedScopes: [] };
    if (bearer === undefined) {
      if (presented.authorization === undefined && presented.apiKey === undefined) throw new MissingCredentialError();
      throw new InvalidTokenError('The Authorization header is not a Bearer token');
    }
    if (!this.verifier) throw new InvalidTokenError('The credential is not valid');
    return this.verifier.verify(bearer);
  }

  /**
   * The caller of a route that is no FHIR interaction (events, metrics, docs): an API key, or a SMART token
   * that grants the operations scope (`SMART_OPERATIONS_SCOPE`); throws `MissingCredentialError`,
   * `InvalidTokenError` or `InsufficientScopeError`.
   */
  async authenticateOperator(presented: PresentedCredentials): Promise<Caller> {
    const caller = await this.authenticate(presented);
    const required = this.options.operationsScope ?? DEFAULT_OPERATIONS_SCOPE;
    if (caller.credential !== 'smart' || grants(caller, required)) return caller;
    throw new InsufficientScopeError(required);
  }
}

const DEFAULT_OPERATIONS_SCOPE = 'system/*.rs';

/** Whether the caller holds `required`: the scope itself, or (a SMART scope) one of its context that covers it unrestricted. */
function grants(caller: Caller, required: string): boolean {
  if (caller.grantedScopes.includes(required)) return true;
  const wanted = parseScope(required);
  if (!wanted || wanted.restriction) return false;
  return caller.scopes.some(
    (scope) =>
      scope.context === wanted.context &&
      !scope.restriction &&
      (scope.resourceType === '*' || scope.resourceType === wanted.resourceType) &&
      [...wanted.permissions].every((permission) => scope.permissions.has(permission)),
  );
}
