import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type ExecutionContext, Injectable, UseInterceptors } from '@nestjs/common';
import { CLS_ID, ClsGuard, ClsInterceptor, ClsService } from 'nestjs-cls';
import { REQUEST_ID_HEADER } from './constants';
import type { PresentedCredentials, RequestContext } from './interfaces';

/** A request id we accept from a caller: short, printable, safe in logs and headers. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

type RequestWithId = IncomingMessage & { id?: unknown };

/**
 * The request id of an inbound HTTP request: its own `X-Request-Id` when acceptable,
 * otherwise a new UUID. Stored on `req.id` so that every middleware (CLS, pino-http)
 * agrees on one id.
 */
export function requestIdOf(req: IncomingMessage): string {
  const request = req as RequestWithId;
  if (typeof request.id === 'string') return request.id;
  const header = req.headers[REQUEST_ID_HEADER];
  const id = typeof header === 'string' && ACCEPTABLE_REQUEST_ID.test(header) ? header : randomUUID();
  request.id = id;
  return id;
}

/** The request id a message carries (`requestId`), when acceptable; otherwise a new UUID. */
export function messageRequestId(data: unknown): string {
  const requestId = (data as { requestId?: unknown } | null | undefined)?.requestId;
  return typeof requestId === 'string' && ACCEPTABLE_REQUEST_ID.test(requestId) ? requestId : randomUUID();
}

/** How a message's request context is opened: its `requestId` (when acceptable) is the context's id. */
export const MESSAGE_CONTEXT_OPTIONS = {
  generateId: true,
  idGenerator: (context: ExecutionContext) => messageRequestId(context.switchToRpc().getData()),
};

/**
 * Gives a message handler (a Nest microservice `@MessagePattern`) a request
 * context from its message: `requestId` becomes the events' correlation id.
 * The message itself is read, never written.
 */
export const UseMessageContext = () => UseInterceptors(ClsInterceptor);

/**
 * Opens a message's request context at the guard stage, for a guard that
 * records who the caller is before interceptors run (nestjs-cls's `ClsGuard`);
 * the `@UseMessageContext()` interceptor then continues in the same context.
 */
@Injectable()
export class MessageContextGuard extends ClsGuard {
  constructor() {
    super(MESSAGE_CONTEXT_OPTIONS);
  }
}

/** The context as one object under a symbol key; its `requestId` is nestjs-cls's own id when it was assigned. */
const CONTEXT = Symbol('ehr-gateway:request-context');
const NO_CONTEXT: Readonly<RequestContext> = Object.freeze({});
const CREDENTIALS = Symbol('ehr-gateway:credentials');
type ContextFields = Omit<RequestContext, 'requestId'>;

/** Reads and writes the request context of the current async flow (AsyncLocalStorage through nestjs-cls). */
@Injectable()
export class RequestContextService {
  constructor(private readonly cls: ClsService) {}

  /**
   * The context of the current request: one object per change, kept in the
   * request context and shared by every reader (an event per operation reads
   * it), so treat it as read-only.
   */
  current(): Readonly<RequestContext> {
    if (!this.cls.isActive()) return NO_CONTEXT;
    const requestId: string | undefined = this.cls.getId();
    const context: RequestContext | undefined = this.cls.get(CONTEXT);
    if (context && context.requestId === requestId) return context;
    // First read, or the id changed since the fields were assigned.
    const fresh: RequestContext = { ...context, requestId };
    this.cls.set(CONTEXT, fresh);
    return fresh;
  }

  /** Records the authenticated caller for the rest of this request. */
  setUser(user: string): void {
    if (this.cls.isActive()) this.assign({ user });
  }

  /**
   * Records the credential an inbound FHIR call presented, for the access check
   * of each operation it leads to. Kept out of `current()`, so events never see it.
   */
  presentCredentials(credentials: PresentedCredentials): void {
    if (this.cls.isActive()) this.cls.set(CREDENTIALS, credentials);
  }

  /** The credential of the current inbound call; `undefined` for operations started by the gateway's own code. */
  presentedCredentials(): PresentedCredentials | undefined {
    return this.cls.isActive() ? this.cls.get<PresentedCredentials | undefined>(CREDENTIALS) : undefined;
  }

  /**
   * Runs `fn` in a fresh context holding only `context` (a new request id when
   * it has none), for operations that do not arrive over HTTP. Nothing of an
   * enclosing request reaches it: not its presented credentials, not the facts
   * of its operation in progress.
   */
  run<T>(context: RequestContext, fn: () => T): T {
    return this.cls.run({ ifNested: 'override' }, () => {
      this.cls.set(CLS_ID, context.requestId ?? randomUUID());
      const { requestId: _requestId, ...fields } = context;
      this.assign(fields);
      return fn();
    });
  }

  /** Adds fields to the context of the current request (the CLS middleware fills client IP and session). */
  assign(fields: ContextFields): void {
    const current: RequestContext | undefined = this.cls.get(CONTEXT);
    this.cls.set(CONTEXT, { ...current, ...fields, requestId: this.cls.getId() });
  }
}
