import type { INestApplication } from '@nestjs/common';
import { HttpException } from '@nestjs/common';
import { InboundAuthenticator } from '@ehr-gateway/auth';
import type { NextFunction, Request, Response } from 'express';
import { operatorAuthentication, presentedOverHttp } from '../auth/operator-authentication';
import type { GatewayConfig } from '../config/gateway-config';

const DOCS_PATHS = ['/docs', '/docs-json', '/docs-yaml'];

/**
 * Swagger's routes are plain Express routes that Nest guards never see, so with
 * `GATEWAY_DOCS=guarded` (the default) the same credential check as the guard's
 * runs in front of them (an API key, or a SMART token with the operations scope).
 */
export function guardApiDocs(app: INestApplication, config: GatewayConfig): void {
  const { auth } = config.gateway;
  if (config.gateway.docs !== 'guarded' || (!auth.includes('api-key') && !auth.includes('smart'))) return;
  const authenticator = auth.includes('smart') ? app.get(InboundAuthenticator, { strict: false }) : undefined;
  const authenticate = operatorAuthentication(config, authenticator);
  app.use(DOCS_PATHS, (request: Request, response: Response, next: NextFunction) => {
    authenticate(presentedOverHttp(request)).then(
      () => next(),
      (error: unknown) => {
        const status = error instanceof HttpException ? error.getStatus() : 401;
        response.status(status).json({ statusCode: status, message: 'A credential is required for the documentation' });
      },
    );
  });
}
