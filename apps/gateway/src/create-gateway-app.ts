import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { GatewayConfig } from './config/gateway-config';
import { GatewayModule } from './gateway.module';

/** Builds the gateway application (not listening yet): the one place main.ts and the e2e suites share. */
export async function createGatewayApp(
  config: GatewayConfig,
  extraImports: DynamicModule['imports'] = [],
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(config, extraImports), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  app.enableCors({
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id', 'X-Session-Id'],
    exposedHeaders: ['X-Request-Id', 'ETag', 'Location', 'Last-Modified'],
  });
  app.enableShutdownHooks();

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
  return app;
}
