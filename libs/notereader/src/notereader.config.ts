import { ConfigValidationError, defineConfigNamespace, envInteger, envRoutePath } from '@ehr-gateway/config';
import { z } from 'zod';
import { NOTEREADER_DEFAULTS } from './constants';
import type { NoteReaderModuleOptions } from './interfaces';

/** `NoteReaderModule` options (and its mount path) from the environment. */
export const notereaderConfig = defineConfigNamespace({
  namespace: 'notereader',
  title: 'Epic NoteReader (libs/notereader)',
  keys: {
    NOTEREADER_PATH: envRoutePath()
      .default(NOTEREADER_DEFAULTS.path)
      .describe('Path of the SOAP endpoint (`?wsdl` for its WSDL).'),
    NOTEREADER_HANDLER_ERRORS: z
      .enum(['fault', 'error-element'])
      .default(NOTEREADER_DEFAULTS.handlerErrors)
      .describe(
        'What a throwing handler produces: `fault` a `soap:Server` fault (Epic records the call as failed and can retry); `error-element` a normal response whose `Error` element carries the message.',
      ),
    NOTEREADER_MAX_DOCUMENT_BYTES: envInteger(1024, 100 * 1024 * 1024)
      .default(NOTEREADER_DEFAULTS.maxDocumentBytes)
      .describe('Largest decoded CDA document, bytes.'),
    NOTEREADER_WORKER_THRESHOLD_BYTES: envInteger(0, 100 * 1024 * 1024)
      .default(NOTEREADER_DEFAULTS.workerThresholdBytes)
      .describe(
        'SOAP messages larger than this are read, their CDA document parsed and mapped, and the answer serialized in worker threads, so that a large note never holds the event loop (smaller ones are faster in process). 0: every message.',
      ),
    NOTEREADER_WORKER_THREADS: envInteger(1, 64)
      .default(NOTEREADER_DEFAULTS.workerThreads)
      .describe('Worker threads for large NoteReader messages (started on first use; a bounded queue beyond them).'),
    NOTEREADER_WORKER_TIMEOUT_MS: envInteger(100, 10 * 60 * 1000)
      .default(NOTEREADER_DEFAULTS.workerTimeoutMs)
      .describe(
        'Longest a worker task (reading a large note, serializing its answer) may take, queue time included, ms; beyond it the worker is stopped and the call answered with a `soap:Server` fault.',
      ),
    NOTEREADER_USERNAME: z
      .string()
      .min(1)
      .optional()
      .describe('User name Epic’s outgoing call must present (HTTP Basic or a WS-Security UsernameToken).'),
    NOTEREADER_PASSWORD: z
      .string()
      .min(12, 'must be at least 12 characters')
      .optional()
      .meta({ secret: true })
      .describe('Its password; with `NOTEREADER_USERNAME`, every call must carry the credential.'),
  },
  values: (keys) => {
    if ((keys.NOTEREADER_USERNAME === undefined) !== (keys.NOTEREADER_PASSWORD === undefined)) {
      throw new ConfigValidationError(['NOTEREADER_USERNAME and NOTEREADER_PASSWORD: set both or neither']);
    }
    return {
      path: keys.NOTEREADER_PATH,
      handlerErrors: keys.NOTEREADER_HANDLER_ERRORS,
      maxDocumentBytes: keys.NOTEREADER_MAX_DOCUMENT_BYTES,
      workerThresholdBytes: keys.NOTEREADER_WORKER_THRESHOLD_BYTES,
      workerThreads: keys.NOTEREADER_WORKER_THREADS,
      workerTimeoutMs: keys.NOTEREADER_WORKER_TIMEOUT_MS,
      credentials:
        keys.NOTEREADER_USERNAME && keys.NOTEREADER_PASSWORD
          ? { username: keys.NOTEREADER_USERNAME, password: keys.NOTEREADER_PASSWORD }
          : undefined,
    } satisfies NoteReaderModuleOptions & { path: string };
  },
});
