import { AsyncLocalStorage } from 'node:async_hooks';
import { ClsService } from 'nestjs-cls';
import { EHREventType } from './ehr-event';
import { OperationFacts } from './operation-facts';

describe('OperationFacts', () => {
  const cls = new ClsService(new AsyncLocalStorage());
  const facts = new OperationFacts(cls);
  const processNote = {
    eventType: EHREventType.NOTEREADER_PROCESS_NOTE,
    operation: 'ProcessDocument',
    source: 'notereader',
    details: {},
  } as const;

  it('keeps the fields added for the type of the operation in progress', () => {
    cls.run(() => {
      const added = facts.begin(processNote);
      facts.add(EHREventType.NOTEREADER_PROCESS_NOTE, { documentId: 'doc-1' });
      facts.add(EHREventType.NOTEREADER_PROCESS_NOTE, { sections: ['11450-4'] });
      expect(added).toEqual({ documentId: 'doc-1', sections: ['11450-4'] });
    });
  });

  it("drops the fields of another type's operation: they belong to no event being recorded", () => {
    cls.run(() => {
      const added = facts.begin(processNote);
      facts.add(EHREventType.CDS_PATIENT_VIEW, { prefetchFetched: ['patient'] });
      facts.add(EHREventType.NOTEREADER_SIGN_NOTE, { documentId: 'doc-1' });
      expect(added).toEqual({});
    });
  });

  it('drops fields added outside a request context, or before an operation began', () => {
    expect(() => facts.add(EHREventType.NOTEREADER_PROCESS_NOTE, { documentId: 'doc-1' })).not.toThrow();
    cls.run(() => {
      facts.add(EHREventType.NOTEREADER_PROCESS_NOTE, { documentId: 'doc-1' });
      expect(facts.begin(processNote)).toEqual({});
    });
  });
});
