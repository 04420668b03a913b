import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { APP_GUARD, ModuleRef, Reflector } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { validatedConfigModule } from '@ehr-gateway/config';
import { EventBrokerModule, EventsModule, RequestContextService, eventsConfig, requestIdOf } from '@ehr-gateway/events';
import { CdsModule, cdsConfig } from '@ehr-gateway/cds';
import { FhirModule, FhirSources, fhirConfig } from '@ehr-gateway/fhir';
import { NoteReaderModule, notereaderConfig } from '@ehr-gateway/notereader';
import { FhirStore, FhirStoreModule, fhirStoreConfig } from '@ehr-gateway/fhir-store';
import { LoggerModule } from 'nestjs-pino';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeys } from './auth/api-keys';
import { GATEWAY_CONFIG_NAMESPACES, GatewayConfig, LOCAL_SOURCE } from './config/gateway-config';
import { SampleCdsServicesModule } from './cds/sample-cds-services.module';
import { ConsoleModule } from './console/console.module';
import { EventLogListener } from './events/event-log.listener';
import { HealthController } from './health/health.controller';
import { ProblemExtractionHandler } from './notereader/problem-extraction.handler';
import { loggerOptions } from './logging';
import { GatewayMetrics } from './observability/gateway-metrics';
import { MetricsController } from './observability/metrics.controller';
import { Readiness } from './observability/readiness';
import { rateLimit } from './rate-limit/rate-limit';

function apiKeyGuard(config: GatewayConfig): Provider[] {
  if (config.gateway.auth !== 'api-key') return [];
  return [
    {
      provide: APP_GUARD,
      useFactory: (reflector: Reflector, requestContext: RequestContextService) =>
        new ApiKeyGuard(
          new ApiKeys(config.gateway.apiKeys),
          reflector,
          requestContext,
          config.cds.jwt.enabled ? [`/${config.cds.basePath}`] : [],
        ),
      inject: [Reflector, RequestContextService],
    },
  ];
}

const sameOptions = <T>(options: T): T => options;

/**
 * The runnable gateway: composes the libraries, each configured from its own
 * namespace (validated beforehand by `loadGatewayConfig`). What decides the
 * module graph (mount paths, whether a broker or transport exists) is read from
 * `config`; the rest is injected through `@nestjs/config`.
 */
@Module({})
export class GatewayModule {
  /** `extraImports`: modules composed in beside the gateway's own (test fixtures, deployment add-ons). */
  static register(config: GatewayConfig, extraImports: DynamicModule['imports'] = []): DynamicModule {
    const { url: brokerUrl, ...broker } = config.broker;
    const limit = rateLimit(config.gateway.rateLimit);
    return {
      module: GatewayModule,
      imports: [
        validatedConfigModule(GATEWAY_CONFIG_NAMESPACES, config),
        ...extraImports,
        LoggerModule.forRoot(loggerOptions(config, requestIdOf)),
        EventsModule.forRootAsync({ inject: [eventsConfig.KEY], useFactory: sameOptions }),
        ...(brokerUrl ? [EventBrokerModule.forRoot({ ...broker, url: brokerUrl })] : []),
        TerminusModule,
        FhirModule.forRootAsync({
          imports: [FhirStoreModule.forRootAsync({ inject: [fhirStoreConfig.KEY], useFactory: sameOptions })],
          inject: [FhirStore, fhirConfig.KEY],
          useFactory: (store: FhirStore, fhir: ConfigType<typeof fhirConfig>) => ({
            ...fhir,
            backends: { [LOCAL_SOURCE]: store },
          }),
        }),
        CdsModule.forRootAsync({
          basePath: config.cds.basePath,
          inject: [cdsConfig.KEY],
          useFactory: sameOptions,
        }),
        SampleCdsServicesModule,
        ...limit.imports,
        NoteReaderModule.forRootAsync({
          path: config.notereader.path,
          inject: [notereaderConfig.KEY],
          useFactory: sameOptions,
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
        ...limit.guards,
      ],
    };
  }
}
