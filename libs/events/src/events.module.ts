import { ExecutionContext, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { Request, Response } from 'express';
import { ClsModule } from 'nestjs-cls';
import { EHR_EVENT_CREATOR, REQUEST_ID_HEADER, SESSION_ID_HEADER } from './constants';
import { EventDispatcher } from './event-dispatcher';
import { EventListenerRegistry } from './event-listener.registry';
import { ConfigurableEventsModule } from './events.module-definition';
import { OperationEvents } from './operation-events.service';
import { RequestContextService, messageRequestId, requestIdOf } from './request-context';

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
      // For message handlers (`@UseMessageContext()`): the context comes from the message itself.
      interceptor: {
        mount: false,
        generateId: true,
        idGenerator: (context: ExecutionContext) => messageRequestId(context.switchToRpc().getData()),
        setup: (cls, context: ExecutionContext) => {
          const caller = (context.switchToRpc().getData<{ caller?: unknown } | undefined>() ?? {}).caller;
          if (typeof caller === 'string') new RequestContextService(cls).assign({ user: caller.slice(0, 200) });
        },
      },
    }),
  ],
  providers: [EventListenerRegistry, EventDispatcher, OperationEvents, RequestContextService],
  exports: [EventListenerRegistry, EventDispatcher, OperationEvents, RequestContextService, EHR_EVENT_CREATOR],
})
export class EventsModule extends ConfigurableEventsModule {}
