import type { CdaDocument, CdaFhirView, InsertableResource } from '@ehr-gateway/cda';

/** A signed note, as the NoteReader handler receives it. */
export interface NoteReaderRequest {
  sessionId?: string;
  workType?: string;
  organizationId?: string;
  document: CdaDocument;
  /** The document as FHIR (patient, problems, medications, allergies, note sections). */
  fhir: CdaFhirView;
}

/**
 * What a handler answers: resources to add as coded entries, and/or a
 * replacement document, and/or an error message for the response's `Error`
 * element. Nothing (`undefined`) returns the document unchanged.
 */
export interface NoteReaderResult {
  resources?: InsertableResource[];
  document?: CdaDocument;
  error?: string;
}

export type NoteReaderHandlerFn = (
  request: NoteReaderRequest,
) => NoteReaderResult | void | Promise<NoteReaderResult | void>;

export interface NoteReaderModuleOptions {
  /** Largest decoded CDA document, bytes. Default 5 MB. */
  maxDocumentBytes?: number;
  /**
   * SOAP messages larger than this (bytes) are read, their CDA parsed and
   * mapped, and the answer serialized in worker threads, off the event loop.
   * Default 64 KiB (about 45 KB of CDA: 11–37 ms in process on a loaded
   * 2-core machine, 55–104 ms at 240 KiB); smaller notes are faster in process.
   */
  workerThresholdBytes?: number;
  /** Worker threads for large messages (started on first use). Default 2. */
  workerThreads?: number;
  /**
   * Longest a worker task (reading a large note, serializing its answer) may
   * take, queue time included, ms; beyond it the worker is stopped and the
   * call answered with a `soap:Server` fault. Default 30,000.
   */
  workerTimeoutMs?: number;
  /**
   * What a throwing handler produces: `fault` (default) a `soap:Server` fault, so
   * that Epic records the call as failed and can retry it; `error-element` a
   * normal response whose `Error` element carries the message and whose
   * `Document` is the note unchanged.
   */
  handlerErrors?: 'fault' | 'error-element';
  /** `false` turns NoteReader events off. */
  events?: boolean;
  /**
   * The credential Epic's outgoing call must carry (HTTP Basic, or a WS-Security
   * `UsernameToken` in the SOAP header). Absent: no credential is asked for.
   */
  credentials?: { username: string; password: string };
}
