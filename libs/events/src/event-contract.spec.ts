import { dirname } from 'node:path';
import * as ts from 'typescript';
import {
  EHREvent,
  EHREventType,
  EventEmittingInterceptor,
  FhirEventType,
  OnEhrEvent,
  OperationEvents,
  OperationFactFields,
  OperationFacts,
  OperationOutcomeInfo,
} from './index';

const ok: OperationOutcomeInfo = { outcome: 'success', status: 200 };

/**
 * Compiled, never run. Every line under `@ts-expect-error` must fail to
 * compile: if the types ever accepted it, the compiler would report the
 * directive as unused and the test below would fail.
 */
export function compiledOnly(events: OperationEvents, facts: OperationFacts): unknown[] {
  const serviceId = 'svc';
  const hook = 'patient-view';
  void events.record(
    {
      eventType: EHREventType.CDS_PATIENT_VIEW,
      operation: 'invoke',
      source: serviceId,
      details: { serviceId, hook, cardCount: 1 },
    },
    ok,
  );
  void events.record(
    {
      eventType: EHREventType.CDS_PATIENT_VIEW,
      operation: 'invoke',
      source: serviceId,
      // @ts-expect-error the field is `cardCount`
      details: { serviceId, hook, cardsCount: 1 },
    },
    ok,
  );
  void events.record(
    {
      eventType: EHREventType.NOTEREADER_PROCESS_NOTE,
      operation: 'ProcessDocument',
      source: 'notereader',
      // @ts-expect-error the field is `resourcesAdded`
      details: { entriesAdded: { Condition: 1 } },
    },
    ok,
  );
  void events.record(
    {
      eventType: EHREventType.NOTEREADER_PROCESS_NOTE,
      operation: 'ProcessDocument',
      source: 'notereader',
      // @ts-expect-error `resourcesAdded` counts per resource type
      details: { resourcesAdded: 3 },
    },
    ok,
  );
  void events.record(
    {
      eventType: EHREventType.CDS_ORDER_SIGN,
      operation: 'invoke',
      source: serviceId,
      // @ts-expect-error a FHIR field is not a CDS field
      details: { serviceId, hook, resourceType: 'Patient' },
    },
    ok,
  );
  void events.record(
    {
      eventType: EHREventType.CDS_ORDER_SIGN,
      operation: 'invoke',
      source: serviceId,
      // @ts-expect-error a CDS event names its service
      details: { hook },
    },
    ok,
  );
  void events.record(
    { eventType: EHREventType.FHIR_READ, operation: 'read', source: 'local', details: { resourceType: 'Patient' } },
    ok,
  );
  facts.add(EHREventType.CDS_PATIENT_VIEW, { prefetchFetched: ['patient'] });
  // @ts-expect-error misspelled fact
  facts.add(EHREventType.CDS_PATIENT_VIEW, { prefetchFecthed: ['patient'] });
  facts.add(EHREventType.NOTEREADER_PROCESS_NOTE, { documentId: 'doc-1', resourcesAdded: { Condition: 1 } });
  // @ts-expect-error a CDS field is not a NoteReader fact
  facts.add(EHREventType.NOTEREADER_PROCESS_NOTE, { documentId: 'doc-1', cardCount: 1 });
  // @ts-expect-error a NoteReader field is not a CDS fact
  facts.add(EHREventType.CDS_ORDER_SIGN, { sections: ['11450-4'] });
  // @ts-expect-error a FHIR field is not a CDS fact
  facts.add(EHREventType.EHR_GENERIC, { resourceType: 'Patient' });
  const cdsCall = EHREventType.CDS_PATIENT_VIEW as EHREventType.CDS_PATIENT_VIEW | EHREventType.EHR_GENERIC;
  facts.add(cdsCall, { prefetchFetched: ['patient'], cardCount: 0 });
  const mixed = EHREventType.CDS_PATIENT_VIEW as EHREventType.CDS_PATIENT_VIEW | EHREventType.NOTEREADER_SIGN_NOTE;
  // @ts-expect-error for types of two families, no field fits both
  facts.add(mixed, { cardCount: 1 });

  type ProcessNote = EHREventType.NOTEREADER_PROCESS_NOTE;
  abstract class NoteInterceptor extends EventEmittingInterceptor<ProcessNote> {
    protected override describeResult() {
      return { resourcesAdded: { Condition: 1 } };
    }
    protected override describeFailure(): OperationFactFields<ProcessNote> {
      // @ts-expect-error what a result or failure adds is typed like the operation's facts
      return { cardCount: 0 };
    }
  }

  class Listener {
    @OnEhrEvent(EHREventType.FHIR_READ)
    onRead(event: EHREvent<EHREventType.FHIR_READ>) {
      return event.payload.resourceId;
    }
    @OnEhrEvent([EHREventType.CDS_PATIENT_VIEW, EHREventType.CDS_ORDER_SIGN])
    onCds(event: EHREvent<EHREventType.CDS_PATIENT_VIEW | EHREventType.CDS_ORDER_SIGN>) {
      return event.payload.cardCount;
    }
    // @ts-expect-error a handler of FHIR reads cannot expect CDS events
    @OnEhrEvent(EHREventType.FHIR_READ)
    onWrong(event: EHREvent<EHREventType.CDS_PATIENT_VIEW>) {
      return event.payload.serviceId;
    }
    @OnEhrEvent('fhir.read')
    onReadByName(event: EHREvent<EHREventType.FHIR_READ>) {
      return event.payload.resourceId;
    }
    @OnEhrEvent('fhir.**')
    onFhir(event: EHREvent<FhirEventType>) {
      return event.payload.resourceType;
    }
    // @ts-expect-error a FHIR pattern delivers searches and writes too, not only reads
    @OnEhrEvent('fhir.patient.*')
    onPatientReads(event: EHREvent<EHREventType.FHIR_READ>) {
      return event.payload.resourceId;
    }
    @OnEhrEvent('**')
    onAnything(event: EHREvent) {
      return event.eventType;
    }
    // @ts-expect-error `**` delivers every family's events
    @OnEhrEvent('**')
    onAnythingAsFhir(event: EHREvent<FhirEventType>) {
      return event.payload.resourceType;
    }
  }
  const anyEvent = {} as EHREvent;
  return [
    NoteInterceptor,
    Listener,
    anyEvent.eventType === EHREventType.CDS_ORDER_SIGN ? anyEvent.payload.cardCount : undefined,
    // @ts-expect-error an event of any type must be narrowed before a family's field is read
    anyEvent.payload.cardCount,
    // @ts-expect-error a FHIR read has no card count
    (anyEvent as EHREvent<EHREventType.FHIR_READ>).payload.cardCount,
  ];
}

let previous: ts.Program | undefined;

/** Compiles this file, or this file with its text changed, with the repository's compiler options. */
function diagnosticsOf(edit: (text: string) => string = (text) => text): string[] {
  const configPath = ts.findConfigFile(__dirname, ts.sys.fileExists)!;
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile) as { config: unknown };
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
  const host = ts.createCompilerHost({ ...options, noEmit: true });
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, version, onError) =>
    fileName === __filename
      ? ts.createSourceFile(fileName, edit(ts.sys.readFile(fileName)!), version)
      : getSourceFile(fileName, version, onError);
  // The previous program's unchanged files (the libraries' declarations) are reused, not parsed again.
  const program = ts.createProgram([__filename], { ...options, noEmit: true }, host, previous);
  previous = program;
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the event contract, as the compiler sees it', () => {
  jest.setTimeout(120_000);

  it('accepts the right fields and rejects each misspelled or misplaced one', () => {
    expect(diagnosticsOf()).toEqual([]);
  });

  it('names the misspelled field when a producer builds a payload the type does not have', () => {
    const misspelled = diagnosticsOf((text) =>
      text.replace('details: { serviceId, hook, cardCount: 1 }', 'details: { serviceId, hook, cardzCount: 1 }'),
    );
    expect(misspelled).toEqual([
      expect.stringMatching(/^TS2561 .*'cardzCount' does not exist.* Did you mean to write 'cardCount'\?$/),
    ]);
  });
});
