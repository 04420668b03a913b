import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeys } from '../auth/api-keys';
import type { GatewayConfig } from '../config/gateway-config';

const DOCS_PATHS = ['/docs', '/docs-json', '/docs-yaml'];

/**
 * The OpenAPI documentation at `/docs` (and its JSON). Swagger's routes are
 * plain Express routes that Nest guards never see, so with `GATEWAY_DOCS=guarded`
 * (the default) the same API-key check runs in front of them.
 */
export function serveApiDocs(app: NestExpressApplication, config: GatewayConfig): void {
  if (config.gateway.docs === 'off') return;
  if (config.gateway.docs === 'guarded' && config.gateway.auth === 'api-key') {
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
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ehr-gateway')
      .setDescription('FHIR, CDS Hooks and Epic NoteReader gateway with an event for every operation')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
