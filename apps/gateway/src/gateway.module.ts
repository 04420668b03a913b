import { DynamicModule, Module, Provider } from '@nestjs/common';
import { APP_GUARD, ModuleRef, Reflector } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { EventBrokerModule, EventsModule, RequestContextService, requestIdOf } from '@ehr-gateway/events';
import { CdsModule } from '@ehr-gateway/cds';
import { FhirModule, FhirSources } from '@ehr-gateway/fhir';
import { NoteReaderModule } from '@ehr-gateway/notereader';
import { FhirStore, FhirStoreModule } from '@ehr-gateway/fhir-store';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyGuard } from './auth/api-key.guard';
import { GatewayConfig, LOCAL_SOURCE } from './config/gateway-config';
import { SampleCdsServicesModule } from './cds/sample-cds-services.module';
import { ConsoleModule } from './console/console.module';
import { EventLogListener } from './events/event-log.listener';
import { HealthController } from './health/health.controller';
import { ProblemExtractionHandler } from './notereader/problem-extraction.handler';
import { loggerOptions } from './logging';
import { GatewayMetrics } from './observability/gateway-metrics';
import { MetricsController } from './observability/metrics.controller';
import { Readiness } from './observability/readiness';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

function apiKeyGuard(config: GatewayConfig): Provider[] {
  if (config.apiKeys.length === 0) return [];
  return [
    {
      provide: APP_GUARD,
      useFactory: (reflector: Reflector, requestContext: RequestContextService) =>
        new ApiKeyGuard(
          config.apiKeys,
          reflector,
          requestContext,
          config.cds.jwt.enabled ? [`/${config.cds.basePath}`] : [],
        ),
      inject: [Reflector, RequestContextService],
    },
  ];
}

/** The runnable gateway: composes the libraries according to a validated configuration. */
@Module({})
export class GatewayModule {
  /** `extraImports`: modules composed in beside the gateway's own (test fixtures, deployment add-ons). */
  static register(config: GatewayConfig, extraImports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ...extraImports,
        LoggerModule.forRoot(loggerOptions(config, requestIdOf)),
        EventsModule.forRoot({ deliveryMode: config.events.deliveryMode, enabled: config.events.enabled }),
        ...(config.broker ? [EventBrokerModule.forRoot(config.broker)] : []),
        TerminusModule,
        FhirModule.forRootAsync({
          imports: [FhirStoreModule.forRoot({ path: config.fhir.storePath, seedPatients: config.fhir.seedPatients })],
          inject: [FhirStore],
          useFactory: (store: FhirStore) => ({
            backends: { [LOCAL_SOURCE]: store },
            sources: config.fhir.sources,
            defaultSource: config.fhir.defaultSource,
            allowInsecureHttp: config.fhir.allowInsecureHttp,
            includeResourceInEvents: config.fhir.includeResourceInEvents,
          }),
        }),
        CdsModule.forRoot({
          basePath: config.cds.basePath,
          jwt: config.cds.jwt,
          allowedFhirServerHosts: config.cds.allowedFhirServerHosts,
          prefetchSource: config.cds.prefetchSource,
          prefetchTimeoutMs: config.cds.prefetchTimeoutMs,
          feedbackPath: config.cds.feedbackPath,
        }),
        SampleCdsServicesModule,
        NoteReaderModule.forRoot({
          path: config.notereader.path,
          handlerErrors: config.notereader.handlerErrors,
          maxDocumentBytes: config.notereader.maxDocumentBytes,
        }),
        ...(config.console.enabled
          ? [
              ConsoleModule.register({
                replayCapacity: config.console.replayEvents,
                maxBufferedBytes: 1024 * 1024,
                maxViewers: 100,
              }),
            ]
          : []),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        GatewayMetrics,
        {
          provide: Readiness,
          useFactory: (indicators: HealthIndicatorService, sources: FhirSources, moduleRef: ModuleRef) =>
            new Readiness(indicators, sources, moduleRef, {
              storeSource: LOCAL_SOURCE,
              redisUrl: config.cds.jwt.replayRedisUrl,
            }),
          inject: [HealthIndicatorService, FhirSources, ModuleRef],
        },
        EventLogListener,
        ProblemExtractionHandler,
        ...apiKeyGuard(config),
      ],
    };
  }
}
