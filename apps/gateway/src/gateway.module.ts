import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { APP_GUARD, ModuleRef, Reflector, RouterModule } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { ThrottlerStorage } from '@nestjs/throttler';
import { validatedConfigModule } from '@ehr-gateway/config';
import { EventBrokerModule, EventsModule, RequestContextService, eventsConfig, requestIdOf } from '@ehr-gateway/events';
import { CdsModule, CdsServicesExplorer, cdsConfig } from '@ehr-gateway/cds';
import { AuthModule, FhirAuthorizer, InboundAuthenticator, type AuthModuleExtras } from '@ehr-gateway/auth';
import { FhirModule, FhirSources, fhirConfig } from '@ehr-gateway/fhir';
import { NoteReaderModule, notereaderConfig } from '@ehr-gateway/notereader';
import { FhirStore, FhirStoreModule, fhirStoreConfig } from '@ehr-gateway/fhir-store';
import { LoggerModule } from 'nestjs-pino';
import { InboundGuard } from './auth/inbound.guard';
import { inboundRules } from './auth/inbound-rules';
import { consoleAuthentication, operatorAuthentication } from './auth/operator-authentication';
import { GATEWAY_CONFIG_NAMESPACES, GatewayConfig, LOCAL_SOURCE, authOptions } from './config/gateway-config';
import { SampleCdsServicesModule } from './cds/sample-cds-services.module';
import { ConsoleModule } from './console/console.module';
import type { ConsoleSettings } from './console/console-settings';
import { EventLogListener } from './events/event-log.listener';
import { HealthController } from './health/health.controller';
import { ProblemExtractionHandler } from './notereader/problem-extraction.handler';
import { loggerOptions } from './logging';
import { GatewayMetrics } from './observability/gateway-metrics';
import { MetricsController } from './observability/metrics.controller';
import { ObservabilityModule } from './observability/observability.module';
import { Readiness } from './observability/readiness';
import { AuthRefusals } from './rate-limit/auth-refusals';
import { rateLimit } from './rate-limit/rate-limit';

const acceptsSmart = (config: GatewayConfig) => config.gateway.auth.includes('smart');

function inboundGuard(config: GatewayConfig): Provider[] {
  const { auth } = config.gateway;
  const credentials = auth.includes('api-key') || acceptsSmart(config);
  // Without a transport or a credential to ask for, the guard has nothing to do.
  if (!credentials && !config.gateway.transport) return [];
  const limit = config.gateway.rateLimit;
  return [
    {
      provide: APP_GUARD,
      useFactory: (
        reflector: Reflector,
        requestContext: RequestContextService,
        authenticator?: InboundAuthenticator,
        throttlerStorage?: ThrottlerStorage,
      ) =>
        new InboundGuard(reflector, requestContext, {
          authenticate: credentials
            ? {
                operator: operatorAuthentication(config, authenticator),
                console: consoleAuthentication(config, authenticator),
              }
            : undefined,
          ruleOf: inboundRules(config),
          trustedTransport: config.auth.trustedTransport ?? false,
          refusals: throttlerStorage && limit.requests > 0 ? new AuthRefusals(throttlerStorage, limit) : undefined,
        }),
      inject: [
        Reflector,
        RequestContextService,
        { token: InboundAuthenticator, optional: true },
        { token: ThrottlerStorage, optional: true },
      ],
    },
  ];
}

/** SMART sign-in for the console when the gateway accepts SMART tokens and the console has a client id. */
function consoleSignIn(config: GatewayConfig): { settings: ConsoleSettings; tokenOrigins: string[] } {
  const { smartClientId, smartScope } = config.console;
  const apiKeys = config.gateway.auth.includes('api-key');
  if (!acceptsSmart(config) || !smartClientId || !config.auth.smart) return { settings: { apiKeys }, tokenOrigins: [] };
  const { tokenUrl, issuers } = config.auth.smart;
  const tokenOrigins = (tokenUrl ? [tokenUrl] : Object.keys(issuers)).map((url) => new URL(url).origin);
  return {
    settings: { apiKeys, smart: { clientId: smartClientId, scope: smartScope } },
    tokenOrigins: [...new Set(tokenOrigins)],
  };
}

const sameOptions = <T>(options: T): T => options;

/** What a deployment adds to the gateway in code (beside its configuration). */
export interface GatewayExtensions {
  /**
   * Access policies added to the SMART policy (`GATEWAY_AUTH=smart`), asked after it: every one must allow
   * (`AuthModuleExtras.accessPolicies`). See docs/authorization.md, "Your own access policy".
   */
  accessPolicies?: AuthModuleExtras['accessPolicies'];
}

/**
 * The runnable gateway: composes the libraries, each configured from its own
 * namespace (validated beforehand by `loadGatewayConfig`). What decides the
 * module graph (mount paths, whether a broker or transport exists) is read from
 * `config`; the rest is injected through `@nestjs/config`.
 */
@Module({})
export class GatewayModule {
  /**
   * `extraImports`: modules composed in beside the gateway's own (test fixtures, deployment add-ons);
   * `extensions`: what they plug in (access policies).
   */
  static register(
    config: GatewayConfig,
    extraImports: DynamicModule['imports'] = [],
    extensions: GatewayExtensions = {},
  ): DynamicModule {
    const { url: brokerUrl, ...broker } = config.broker;
    const limit = rateLimit(config.gateway.rateLimit);
    // SMART tokens are checked on the FHIR surface by the access control FhirModule is given.
    const auth = acceptsSmart(config)
      ? AuthModule.forRoot({ ...authOptions(config), accessPolicies: extensions.accessPolicies })
      : undefined;
    return {
      module: GatewayModule,
      imports: [
        validatedConfigModule(GATEWAY_CONFIG_NAMESPACES, config),
        ...extraImports,
        LoggerModule.forRootAsync({
          inject: [ModuleRef],
          useFactory: (moduleRef: ModuleRef) => {
            let services: CdsServicesExplorer | undefined;
            const cdsServiceExists = (id: string) => {
              services ??= moduleRef.get<CdsServicesExplorer>(CdsServicesExplorer, { strict: false });
              return services.get(id) !== undefined;
            };
            return loggerOptions(config, requestIdOf, cdsServiceExists);
          },
        }),
        EventsModule.forRootAsync({ inject: [eventsConfig.KEY], useFactory: sameOptions }),
        ...(brokerUrl ? [EventBrokerModule.forRoot({ ...broker, url: brokerUrl })] : []),
        TerminusModule,
        ObservabilityModule,
        // SMART discovery lives beside the FHIR surface it describes: `/{FHIR_BASE_PATH}/.well-known/...`.
        ...(auth ? [auth, RouterModule.register([{ path: config.fhir.basePath, module: AuthModule }])] : []),
        FhirModule.forRootAsync({
          basePath: config.fhir.basePath,
          imports: [
            FhirStoreModule.forRootAsync({ inject: [fhirStoreConfig.KEY], useFactory: sameOptions }),
            ObservabilityModule,
            ...(auth ? [auth] : []),
          ],
          inject: [FhirStore, fhirConfig.KEY, GatewayMetrics, { token: FhirAuthorizer, optional: true }],
          useFactory: (
            store: FhirStore,
            fhir: ConfigType<typeof fhirConfig>,
            metrics: GatewayMetrics,
            accessControl?: FhirAuthorizer,
          ) => ({
            ...fhir,
            backends: { [LOCAL_SOURCE]: store },
            accessControl,
            upstreamObserver: metrics,
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
          // Its worker pool maps the console's large CDA uploads too.
          isGlobal: true,
          inject: [notereaderConfig.KEY],
          useFactory: sameOptions,
        }),
        ...(config.console.enabled
          ? [
              ConsoleModule.register({
                stream: { replayCapacity: config.console.replayEvents, maxBufferedBytes: 1024 * 1024, maxViewers: 100 },
                ...consoleSignIn(config),
              }),
            ]
          : []),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: Readiness,
          useFactory: (indicators: HealthIndicatorService, sources: FhirSources, moduleRef: ModuleRef) =>
            new Readiness(indicators, sources, moduleRef, {
              storeSource: LOCAL_SOURCE,
              redisUrl: config.cds.jwt.replayRedisUrl,
              cacheMs: config.gateway.healthReadyCacheMs,
            }),
          inject: [HealthIndicatorService, FhirSources, ModuleRef],
        },
        EventLogListener,
        ProblemExtractionHandler,
        ...inboundGuard(config),
        ...limit.guards,
      ],
    };
  }
}
