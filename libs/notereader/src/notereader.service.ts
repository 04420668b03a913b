import { Injectable } from '@nestjs/common';
import { CdaDocument, CdaParseError } from '@ehr-gateway/cda';
import { OperationFacts } from '@ehr-gateway/events';
import type { NoteReaderModuleOptions, NoteReaderResult } from './interfaces';
import { NOTEREADER_DEFAULTS } from './constants';
import { NoteReaderHandlerExplorer } from './notereader-handler.explorer';
import { InjectNoteReaderOptions } from './notereader.module-definition';
import type { ProcessDocumentCall } from './soap/process-document-request';
import { SoapFault, responseEnvelope } from './soap/soap-fault';

/**
 * Runs one ProcessDocument call: parse the CDA, call the handler, encode the
 * answer. What the call's events carry (ids and counts, never note text) goes
 * to `OperationFacts` as it is learned.
 */
@Injectable()
export class NoteReaderService {
  constructor(
    private readonly handlers: NoteReaderHandlerExplorer,
    private readonly facts: OperationFacts,
    @InjectNoteReaderOptions() private readonly options: NoteReaderModuleOptions,
  ) {}

  /** The credential calls must carry, when one is configured. */
  get credentials(): NoteReaderModuleOptions['credentials'] {
    return this.options.credentials;
  }

  get maxDocumentBytes(): number {
    return this.options.maxDocumentBytes ?? NOTEREADER_DEFAULTS.maxDocumentBytes;
  }

  async process(call: ProcessDocumentCall): Promise<string> {
    this.facts.add({ sessionId: call.sessionId, workType: call.workType, organizationId: call.organizationId });
    let document: CdaDocument;
    try {
      document = CdaDocument.parse(call.document, { maxBytes: this.maxDocumentBytes });
    } catch (error) {
      if (error instanceof CdaParseError)
        throw new SoapFault('Client', `Document is not a usable CDA document: ${error.message}`);
      throw error;
    }
    this.facts.add({
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
      if (this.options.handlerErrors === 'error-element')
        return responseEnvelope(Buffer.from(call.document).toString('base64'), message);
      throw new SoapFault('Server', message);
    }
    const answer = result?.document ?? document;
    this.facts.add({ resourcesAdded: result?.resources?.length ? answer.addResources(result.resources) : {} });
    return responseEnvelope(Buffer.from(answer.serialize()).toString('base64'), result?.error);
  }
}
