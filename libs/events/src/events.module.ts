import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Request, Response } from 'express';
import { ClsModule } from 'nestjs-cls';
import { EHR_EVENT_CREATOR, REQUEST_ID_HEADER, SESSION_ID_HEADER } from './constants';
import { EventDispatcher } from './event-dispatcher';
import { EventListenerRegistry } from './event-listener.registry';
import { GatewayEventEmitter } from './gateway-event-emitter';
import { ConfigurableEventsModule } from './events.module-definition';
import { OperationEvents } from './operation-events.service';
import { OperationFacts } from './operation-facts';
import { MESSAGE_CONTEXT_OPTIONS, RequestContextService, requestIdOf } from './request-context';

/**
 * The event system: `@OnEhrEvent` and `@OnEvent` listeners and listeners on the
 * injected `EventEmitter2` with `.`-delimited wildcards, the dispatcher, the
 * replaceable event creator and the per-request context (request id echoed as
 * `X-Request-Id`, client IP, session, user). It provides `EventEmitter2` itself,
 * in place of `EventEmitterModule.forRoot`, whose second emitter fails start-up.
 */
@Module({
  imports: [
    DiscoveryModule,
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
      // For message handlers (`@UseMessageContext()`); a guard may have opened the context already (`MessageContextGuard`).
      interceptor: { mount: false, ...MESSAGE_CONTEXT_OPTIONS },
    }),
  ],
  providers: [
    { provide: EventEmitter2, useClass: GatewayEventEmitter },
    EventListenerRegistry,
    EventDispatcher,
    OperationEvents,
    OperationFacts,
    RequestContextService,
  ],
  exports: [
    EventEmitter2,
    EventListenerRegistry,
    EventDispatcher,
    OperationEvents,
    OperationFacts,
    RequestContextService,
    EHR_EVENT_CREATOR,
  ],
})
export class EventsModule extends ConfigurableEventsModule {}
