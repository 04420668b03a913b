import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { Request, Response } from 'express';
import { ClsModule } from 'nestjs-cls';
import { EHR_EVENT_CREATOR, REQUEST_ID_HEADER, SESSION_ID_HEADER } from './constants';
import { EventDispatcher } from './event-dispatcher';
import { EventListenerRegistry } from './event-listener.registry';
import { ConfigurableEventsModule } from './events.module-definition';
import { OperationEvents } from './operation-events.service';
import { RequestContextService, requestIdOf } from './request-context';

/**
 * The event system: `@OnEvent` listeners with `.`-delimited wildcards, the
 * dispatcher, the replaceable event creator and the per-request context
 * (request id echoed as `X-Request-Id`, client IP, session, user).
 */
@Module({
  imports: [
    DiscoveryModule,
    EventEmitterModule.forRoot({ wildcard: true, delimiter: '.', maxListeners: 0 }),
    ClsModule.forRoot({
      global: true,
      middleware: {
        mount: true,
        generateId: true,
        idGenerator: (req: Request) => requestIdOf(req),
        setup: (cls, req: Request, res: Response) => {
          res.setHeader(REQUEST_ID_HEADER, cls.getId());
          const session = req.headers[SESSION_ID_HEADER];
          new RequestContextService(cls).assign({
            clientIp: req.ip,
            sessionId: typeof session === 'string' ? session.slice(0, 128) : undefined,
          });
        },
      },
    }),
  ],
  providers: [EventListenerRegistry, EventDispatcher, OperationEvents, RequestContextService],
  exports: [EventListenerRegistry, EventDispatcher, OperationEvents, RequestContextService, EHR_EVENT_CREATOR],
})
export class EventsModule extends ConfigurableEventsModule {}
