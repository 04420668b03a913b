/**
 * The NoteReader work done in worker threads (a piscina pool, see
 * `NoteWorkerPool`) for large messages, so that no note holds the event loop:
 * reading the SOAP envelope and parsing and mapping its CDA document, and
 * serializing the enriched answer. Only plain data crosses threads.
 */
import { CdaDocument, CdaParseError, type CdaDocumentSummary, type InsertableResource } from '@ehr-gateway/cda';
import { type ProcessDocumentCall, readProcessDocument } from '../soap/process-document-request';
import { SoapFault, responseEnvelope } from '../soap/soap-fault';
import { usableCda } from '../soap/usable-cda';

/** A `SoapFault` as plain data (class instances do not survive the trip between threads). */
export type FaultData = Pick<SoapFault, 'faultCode' | 'message' | 'problem'>;

export type ReadAnswer =
  | { fault: FaultData }
  | { call: ProcessDocumentCall; summary: CdaDocumentSummary }
  | { call: ProcessDocumentCall; documentFault: FaultData };

function faultData(error: unknown): FaultData {
  if (!(error instanceof SoapFault)) throw error;
  return { faultCode: error.faultCode, message: error.message, problem: error.problem };
}

/** The call in a SOAP envelope and a summary of its CDA document (or why either is refused). */
export function read({ envelope, maxBytes }: { envelope: string; maxBytes: number }): ReadAnswer {
  let call: ProcessDocumentCall;
  try {
    call = readProcessDocument(envelope, maxBytes);
  } catch (error) {
    return { fault: faultData(error) };
  }
  try {
    return { call, summary: usableCda(() => CdaDocument.summarize(call.document, { maxBytes })) };
  } catch (error) {
    return { call, documentFault: faultData(error) };
  }
}

export type SummaryAnswer = { summary: CdaDocumentSummary } | { problem: string };

/** A CDA document (no SOAP around it) read and mapped, or why it is no CDA document (the parser's own message). */
export function summarize({ xml, maxBytes }: { xml: string; maxBytes: number }): SummaryAnswer {
  try {
    return { summary: CdaDocument.summarize(xml, { maxBytes }) };
  } catch (error) {
    if (error instanceof CdaParseError) return { problem: error.message };
    throw error;
  }
}

/** The response envelope for a document given as its source and the insertions to apply (`CdaDocument.unparsed`). */
export function render({
  xml,
  insertions,
  error,
}: {
  xml: string;
  insertions: InsertableResource[];
  error?: string;
}): string {
  const document = CdaDocument.parse(xml, { maxBytes: Infinity });
  document.addResources(insertions);
  return responseEnvelope(Buffer.from(document.serialize()).toString('base64'), error);
}
