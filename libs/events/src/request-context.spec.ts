import { AsyncLocalStorage } from 'node:async_hooks';
import { CLS_ID, ClsService } from 'nestjs-cls';
import { EHREventType } from './ehr-event';
import { OperationFacts } from './operation-facts';
import { RequestContextService } from './request-context';

describe('RequestContextService', () => {
  const cls = new ClsService(new AsyncLocalStorage());
  const requestContext = new RequestContextService(cls);
  const facts = new OperationFacts(cls);

  it('runs in a fresh context: nothing of the enclosing request but what it is given', () => {
    cls.run(() => {
      cls.set(CLS_ID, 'outer-request');
      requestContext.assign({ user: 'alice', clientIp: '10.0.0.1' });
      requestContext.presentCredentials({ transport: 'http', apiKey: 'key' });
      const outerFacts = facts.begin({
        eventType: EHREventType.NOTEREADER_PROCESS_NOTE,
        operation: 'ProcessDocument',
        source: 'notereader',
        details: {},
      });

      requestContext.run({ user: 'bob' }, () => {
        const inner = requestContext.current();
        expect(inner.user).toBe('bob');
        expect(inner.clientIp).toBeUndefined();
        expect(inner.requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(requestContext.presentedCredentials()).toBeUndefined();
        facts.add(EHREventType.NOTEREADER_PROCESS_NOTE, { documentId: 'doc-1' });
      });

      expect(requestContext.current()).toEqual({ requestId: 'outer-request', user: 'alice', clientIp: '10.0.0.1' });
      expect(requestContext.presentedCredentials()).toEqual({ transport: 'http', apiKey: 'key' });
      expect(outerFacts).toEqual({});
    });
  });

  it('keeps the request id it is given', () => {
    requestContext.run({ requestId: 'message-1', user: 'svc' }, () =>
      expect(requestContext.current()).toEqual({ requestId: 'message-1', user: 'svc' }),
    );
  });
});
