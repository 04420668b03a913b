import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeys } from '../auth/api-keys';
import type { GatewayConfig } from '../config/gateway-config';

const DOCS_PATHS = ['/docs', '/docs-json', '/docs-yaml'];

/**
 * Swagger's routes are plain Express routes that Nest guards never see, so with
 * `GATEWAY_DOCS=guarded` (the default) the same API-key check runs in front of them.
 */
export function guardApiDocs(app: INestApplication, config: GatewayConfig): void {
  if (config.gateway.docs !== 'guarded' || !config.gateway.auth.includes('api-key')) return;
  const keys = new ApiKeys(config.gateway.apiKeys);
  app.use(DOCS_PATHS, (request: Request, response: Response, next: NextFunction) => {
    try {
      keys.authenticate(request);
      next();
    } catch {
      response.status(401).json({ statusCode: 401, message: 'An API key is required for the documentation' });
    }
  });
}
