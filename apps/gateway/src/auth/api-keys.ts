import { UnauthorizedException } from '@nestjs/common';
import { ApiKeys as ConfiguredApiKeys } from '@ehr-gateway/auth';
import type { Request } from 'express';

/** The caller's key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
function presentedKey(request: Request): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = request.headers.authorization;
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** The configured API keys checked on a request (the constant-time comparison is `@ehr-gateway/auth`'s). */
export class ApiKeys {
  private readonly keys: ConfiguredApiKeys;

  constructor(keys: string[]) {
    this.keys = new ConfiguredApiKeys(keys);
  }

  /** The caller's label (`api-key#2`); throws `UnauthorizedException` without a valid key. */
  authenticate(request: Request): string {
    const key = presentedKey(request);
    if (key === undefined)
      throw new UnauthorizedException('An API key is required (Authorization: Bearer or X-API-Key)');
    const label = this.keys.labelOf(key);
    if (label === undefined) throw new UnauthorizedException('The API key is not valid');
    return label;
  }
}
