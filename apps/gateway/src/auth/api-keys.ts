import { UnauthorizedException } from '@nestjs/common';
import { ApiKeys as ConfiguredApiKeys } from '@ehr-gateway/auth';
import type { PresentedCredentials } from '@ehr-gateway/events';

/** The caller's key: `X-API-Key: <key>`, or `Bearer <key>` in the HTTP `Authorization` header or a message's `authorization`. */
function presentedKey(presented: PresentedCredentials): string | undefined {
  if (presented.apiKey) return presented.apiKey;
  return presented.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/** The configured API keys checked on a request (the constant-time comparison is `@ehr-gateway/auth`'s). */
export class ApiKeys {
  private readonly keys: ConfiguredApiKeys;

  constructor(keys: string[]) {
    this.keys = new ConfiguredApiKeys(keys);
  }

  /** The caller's label (`api-key#2`); throws `UnauthorizedException` without a valid key. */
  authenticate(presented: PresentedCredentials): string {
    const key = presentedKey(presented);
    if (key === undefined) {
      throw new UnauthorizedException(
        presented.transport === 'message'
          ? 'An API key is required (authorization: Bearer <key> in the message)'
          : 'An API key is required (Authorization: Bearer or X-API-Key)',
      );
    }
    const label = this.keys.labelOf(key);
    if (label === undefined) throw new UnauthorizedException('The API key is not valid');
    return label;
  }
}
