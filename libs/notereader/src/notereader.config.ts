import { defineConfigNamespace, envInteger, envRoutePath } from '@ehr-gateway/config';
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
  },
  values: (keys) =>
    ({
      path: keys.NOTEREADER_PATH,
      handlerErrors: keys.NOTEREADER_HANDLER_ERRORS,
      maxDocumentBytes: keys.NOTEREADER_MAX_DOCUMENT_BYTES,
    }) satisfies NoteReaderModuleOptions & { path: string },
});
