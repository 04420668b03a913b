import { DynamicModule, Module } from '@nestjs/common';
import { ConsolePageController } from './console-page.controller';
import { EventRates } from './event-rates';
import { EventStreamController } from './event-stream.controller';
import { EventStreamOptions, EventStreamService } from './event-stream.service';

/** The console's server side: the live event stream and its status. */
@Module({})
export class ConsoleModule {
  static register(options: EventStreamOptions): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsolePageController, EventStreamController],
      providers: [{ provide: EventStreamService, useFactory: () => new EventStreamService(options, new EventRates()) }],
    };
  }
}
