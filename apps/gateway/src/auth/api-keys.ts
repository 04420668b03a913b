import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The caller's key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
function presentedKey(request: Request): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = request.headers.authorization;
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/**
 * The configured API keys. Keys are compared as SHA-256 digests with
 * `timingSafeEqual`, so neither the content nor the length of a key leaks
 * through timing.
 */
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    this.digests = keys.map(digest);
  }

  /** The caller's label (`api-key#2`); throws `UnauthorizedException` without a valid key. */
  authenticate(request: Request): string {
    const key = presentedKey(request);
    if (key === undefined)
      throw new UnauthorizedException('An API key is required (Authorization: Bearer or X-API-Key)');
    const presented = digest(key);
    const index = this.digests.findIndex((known) => timingSafeEqual(known, presented));
    if (index < 0) throw new UnauthorizedException('The API key is not valid');
    return `api-key#${index + 1}`;
  }
}
