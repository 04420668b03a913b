import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { RequestContextService } from '@ehr-gateway/events';
import type { Request } from 'express';

export interface RateLimitOptions {
  /** Requests per client per window; 0 turns the limit off. */
  requests: number;
  windowSeconds: number;
}

/**
 * A per-client rate limit on HTTP routes (`@nestjs/throttler`): a client is
 * the caller the authentication put in the request context, else its IP
 * address. Message patterns are not limited (their callers are services).
 * The guard is registered after the authentication guard, so the caller is known;
 * the requests that guard refuses are counted by `AuthRefusals`.
 */
export function rateLimit(options: RateLimitOptions): { imports: DynamicModule[]; guards: Provider[] } {
  if (options.requests === 0) return { imports: [], guards: [] };
  return {
    imports: [
      ThrottlerModule.forRootAsync({
        inject: [RequestContextService],
        useFactory: (requestContext: RequestContextService) => ({
          throttlers: [{ limit: options.requests, ttl: options.windowSeconds * 1000 }],
          skipIf: (context) => context.getType() !== 'http',
          getTracker: (request) => requestContext.current().user ?? (request as Request).ip ?? 'unknown',
        }),
      }),
    ],
    guards: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
  };
}
