import { CdaParseError } from '@ehr-gateway/cda';
import { SoapFault } from './soap-fault';

/** Runs a CDA parse; a document that is not a usable CDA document is a `soap:Client` fault naming why. */
export function usableCda<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CdaParseError)
      throw new SoapFault(
        'Client',
        `Document is not a usable CDA document: ${error.message}`,
        'Document is not a usable CDA document',
      );
    throw error;
  }
}
