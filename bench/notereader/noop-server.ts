/** bench:notereader's baseline: the NoteReader module with a handler that adds nothing, in its own process. */
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { EventsModule } from '@ehr-gateway/events';
import { NoteReaderHandler, NoteReaderModule } from '@ehr-gateway/notereader';

@Injectable()
class NoopHandler {
  @NoteReaderHandler()
  handle() {
    return {};
  }
}

@Module({ imports: [EventsModule.forRoot({}), NoteReaderModule.forRoot({})], providers: [NoopHandler] })
class NoopModule {}

void (async () => {
  const app = await NestFactory.create<NestExpressApplication>(NoopModule, { logger: false });
  app.useBodyParser('text', { type: 'text/xml', limit: '20mb' });
  await app.listen(0, '127.0.0.1');
  process.send!(await app.getUrl());
})();
