import { DynamicModule, Module } from '@nestjs/common';
import { CdaFhirController } from './cda-fhir.controller';
import { ConsoleSecurityHeaders } from './console-assets';
import { ConsolePageController } from './console-page.controller';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console-settings';
import { EventRates } from './event-rates';
import { EventStreamController } from './event-stream.controller';
import { EventStreamOptions, EventStreamService } from './event-stream.service';

export interface ConsoleModuleOptions {
  stream: EventStreamOptions;
  settings: ConsoleSettings;
  /** Origins the page may call besides the gateway: the SMART token endpoint's. */
  tokenOrigins: string[];
}

/** The console's server side: its page and settings, the live event stream and its status, CDA-to-FHIR mapping. */
@Module({})
export class ConsoleModule {
  static register(options: ConsoleModuleOptions): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsolePageController, EventStreamController, CdaFhirController],
      providers: [
        { provide: EventStreamService, useFactory: () => new EventStreamService(options.stream, new EventRates()) },
        { provide: ConsoleSecurityHeaders, useValue: new ConsoleSecurityHeaders(options.tokenOrigins) },
        { provide: CONSOLE_SETTINGS, useValue: options.settings },
      ],
    };
  }
}
