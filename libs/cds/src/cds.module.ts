import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CDS_MODULE_OPTIONS, ConfigurableCdsModule } from './cds.module-definition';
import { CDS_DEFAULTS } from './constants';
import { CdsInvoker } from './cds-invoker';
import { CdsServicesExplorer } from './cds-services.explorer';
import { CdsMessagesController } from './http/cds-messages.controller';
import { FeedbackStore } from './feedback/feedback.store';
import { CdsController } from './http/cds.controller';
import { CdsEventsInterceptor } from './http/cds-events.interceptor';
import type { CdsModuleOptions } from './interfaces/cds-module-options.interface';
import { CdsJwtVerifier } from './jwt/cds-jwt.verifier';
import { PrefetchService } from './prefetch/prefetch.service';

/**
 * CDS Hooks 2.0: discovery, invoke and feedback for every `@CdsService`
 * provider, with prefetch fetch-on-miss and optional JWT verification.
 * Needs `EventsModule` and `FhirModule`. Mounted under `basePath`
 * (default `cds-services`) with `RouterModule`.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [CdsController, CdsMessagesController],
  providers: [
    CdsServicesExplorer,
    CdsInvoker,
    PrefetchService,
    CdsJwtVerifier,
    CdsEventsInterceptor,
    {
      provide: FeedbackStore,
      useFactory: (options: CdsModuleOptions) => new FeedbackStore(options.feedbackPath ?? CDS_DEFAULTS.feedbackPath),
      inject: [CDS_MODULE_OPTIONS],
    },
  ],
  exports: [CdsServicesExplorer, FeedbackStore],
})
export class CdsModule extends ConfigurableCdsModule implements OnApplicationShutdown {
  constructor(@Inject(FeedbackStore) private readonly feedback: FeedbackStore) {
    super();
  }

  onApplicationShutdown(): void {
    this.feedback.close();
  }
}
