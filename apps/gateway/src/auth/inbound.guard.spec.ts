import { HttpException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test, type TestingModule } from '@nestjs/testing';
import { EventsModule, RequestContextService } from '@ehr-gateway/events';
import type { PresentedCredentials, RequestContext } from '@ehr-gateway/events';
import { ClsInterceptor } from 'nestjs-cls';
import { firstValueFrom, of } from 'rxjs';
import { InboundGuard, type InboundGuardOptions } from './inbound.guard';
import type { InboundRule } from './inbound-rules';

let moduleRef: TestingModule;
let requestContext: RequestContextService;

/** The key check: `Bearer good-key` is `api-key#1`, anything else a 401. */
const operator = async ({ authorization }: PresentedCredentials) => {
  if (authorization === 'Bearer good-key') return 'api-key#1';
  throw new UnauthorizedException('A valid API key is required');
};

function guardWith(options: { rule?: InboundRule; trustedTransport?: boolean }): InboundGuard {
  const guardOptions: InboundGuardOptions = {
    authenticate: { operator, console: operator },
    ruleOf: () => options.rule ?? 'operator',
    trustedTransport: options.trustedTransport ?? false,
  };
  return new InboundGuard(new Reflector(), requestContext, guardOptions);
}

/** A message as Nest hands it to guards: the payload and its transport context, frozen so that any write throws. */
function messageContext(payload: Record<string, unknown>): ExecutionContextHost {
  const context = new ExecutionContextHost([Object.freeze(payload), { transport: 'test' }]);
  context.setType('rpc');
  return context;
}

/** Runs the guard, then the message-context interceptor and a handler, as Nest does; the handler's request context. */
async function admitted(guard: InboundGuard, context: ExecutionContextHost): Promise<Readonly<RequestContext>> {
  expect(await guard.canActivate(context)).toBe(true);
  const interceptor = new ClsInterceptor({ generateId: true });
  return firstValueFrom(interceptor.intercept(context, { handle: () => of(requestContext.current()) }));
}

describe('InboundGuard on message patterns', () => {
  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [EventsModule.forRoot({})] }).compile();
    await moduleRef.init();
    requestContext = moduleRef.get(RequestContextService);
  });

  afterAll(() => moduleRef.close());

  it('takes the user from the credential, never from the message, and leaves the message as it came', async () => {
    const payload = { authorization: 'Bearer good-key', caller: 'forged-admin', requestId: 'message-1' };
    const context = messageContext(payload);

    await expect(admitted(guardWith({}), context)).resolves.toEqual({ requestId: 'message-1', user: 'api-key#1' });
    expect(context.getArgByIndex(0)).toEqual({
      authorization: 'Bearer good-key',
      caller: 'forged-admin',
      requestId: 'message-1',
    });
  });

  it('refuses a message without a valid credential with a 401 HttpException, for the pattern’s RPC filter', async () => {
    const context = messageContext({ authorization: 'Bearer wrong', caller: 'forged-admin' });

    const refusal = guardWith({}).canActivate(context);

    await expect(refusal).rejects.toBeInstanceOf(HttpException);
    await expect(refusal.catch((error: HttpException) => error.getStatus())).resolves.toBe(401);
  });

  it('on a trusted transport, takes the message’s `caller` as said, at most 200 characters', async () => {
    const caller = `etl-${'x'.repeat(300)}`;
    const context = messageContext({ caller });

    const handlerContext = await admitted(guardWith({ trustedTransport: true }), context);

    expect(handlerContext.user).toBe(caller.slice(0, 200));
    expect(handlerContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves the user of an `own` pattern (FHIR under SMART) to its authorizer: none from the message', async () => {
    const context = messageContext({ caller: 'forged-admin', requestId: 'message-2' });

    await expect(admitted(guardWith({ rule: 'own' }), context)).resolves.toEqual({ requestId: 'message-2' });
  });
});
