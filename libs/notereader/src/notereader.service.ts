import { Injectable } from '@nestjs/common';
import { CdaDocument } from '@ehr-gateway/cda';
import { EHREventType, OperationFacts } from '@ehr-gateway/events';
import type { NoteReaderModuleOptions, NoteReaderResult } from './interfaces';
import { NOTEREADER_DEFAULTS } from './constants';
import { NoteReaderHandlerExplorer } from './notereader-handler.explorer';
import { InjectNoteReaderOptions } from './notereader.module-definition';
import { readProcessDocument } from './soap/process-document-request';
import { SoapFault, responseEnvelope } from './soap/soap-fault';
import { usableCda } from './soap/usable-cda';
import { NoteWorkerPool, ReadNote } from './worker/note-worker-pool';

/** The operation whose event what a call learns goes to (the interceptor derives `notereader.sign.note` from it). */
const PROCESS_NOTE = EHREventType.NOTEREADER_PROCESS_NOTE;

/**
 * Runs one ProcessDocument call: read the envelope, parse the CDA, call the
 * handler, encode the answer. A message above the worker threshold is read,
 * parsed and mapped, and its answer serialized, in worker threads
 * (`NoteWorkerPool`), so that a large note never holds the event loop. What
 * the call's events carry (ids and counts, never note text) goes to
 * `OperationFacts` as it is learned.
 */
@Injectable()
export class NoteReaderService {
  constructor(
    private readonly handlers: NoteReaderHandlerExplorer,
    private readonly facts: OperationFacts,
    private readonly workers: NoteWorkerPool,
    @InjectNoteReaderOptions() private readonly options: NoteReaderModuleOptions,
  ) {}

  /** The credential calls must carry, when one is configured. */
  get credentials(): NoteReaderModuleOptions['credentials'] {
    return this.options.credentials;
  }

  get maxDocumentBytes(): number {
    return this.options.maxDocumentBytes ?? NOTEREADER_DEFAULTS.maxDocumentBytes;
  }

  /** Reads a `ProcessDocument` SOAP message; its document is parsed when `document()` is called (or in the worker). */
  async read(envelope: unknown): Promise<ReadNote> {
    const threshold = this.options.workerThresholdBytes ?? NOTEREADER_DEFAULTS.workerThresholdBytes;
    if (typeof envelope === 'string' && Buffer.byteLength(envelope) > threshold)
      return this.workers.read(envelope, this.maxDocumentBytes);
    const call = readProcessDocument(envelope, this.maxDocumentBytes);
    return {
      call,
      document: () => usableCda(() => CdaDocument.parse(call.document, { maxBytes: this.maxDocumentBytes })),
    };
  }

  async process({ call, document: parse }: ReadNote): Promise<string> {
    this.facts.add(PROCESS_NOTE, {
      sessionId: call.sessionId,
      workType: call.workType,
      organizationId: call.organizationId,
    });
    const document = parse();
    this.facts.add(PROCESS_NOTE, {
      documentId: document.id,
      documentType: document.typeCode,
      sections: document.sections().map((section) => section.code ?? section.title),
    });

    const handler = this.handlers.handler;
    let result: NoteReaderResult | void;
    try {
      result = handler ? await handler({ ...call, document, fhir: document.toFhir() }) : undefined;
    } catch (error) {
      const message = `The NoteReader handler failed: ${error instanceof Error ? error.message : String(error)}`;
      if (this.options.handlerErrors === 'error-element') return responseEnvelope(call.documentBase64, message);
      throw new SoapFault('Server', message, 'The NoteReader handler failed');
    }
    const answer = result?.document ?? document;
    this.facts.add(PROCESS_NOTE, {
      resourcesAdded: result?.resources?.length ? answer.addResources(result.resources) : {},
    });
    const unparsed = answer.unparsed();
    if (unparsed) return this.workers.render({ ...unparsed, error: result?.error });
    return responseEnvelope(Buffer.from(answer.serialize()).toString('base64'), result?.error);
  }
}
