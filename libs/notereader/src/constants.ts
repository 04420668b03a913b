import { CDA_DEFAULT_MAX_BYTES } from '@ehr-gateway/cda';

export const EPIC_NAMESPACE = 'urn:epic-com:Common.2013.Services';
export const SOAP11_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_ACTION = 'ProcessDocument';

/** The defaults of `NoteReaderModuleOptions`, shared by the module and the `notereader` config namespace. */
export const NOTEREADER_DEFAULTS = {
  path: 'notereader',
  handlerErrors: 'fault',
  maxDocumentBytes: CDA_DEFAULT_MAX_BYTES,
  workerThresholdBytes: 64 * 1024,
  workerThreads: 2,
  workerTimeoutMs: 30_000,
} as const;
