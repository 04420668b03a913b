/** A SOAP 1.1 fault to answer with: `soap:Client` for the caller's mistakes, `soap:Server` for ours. */
export class SoapFault extends Error {
  /** What failed, for events and logs; the message when it quotes nothing else (the default). */
  readonly problem: string;

  constructor(
    readonly faultCode: 'Client' | 'Server',
    message: string,
    problem?: string,
  ) {
    super(message);
    this.problem = problem ?? message;
  }
}

export const escapeXml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

export function faultEnvelope(fault: SoapFault): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
    `<faultcode>soap:${fault.faultCode}</faultcode><faultstring>${escapeXml(fault.message)}</faultstring>` +
    '</soap:Fault></soap:Body></soap:Envelope>'
  );
}

export function responseEnvelope(documentBase64: string | undefined, error: string | undefined): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
    '<ProcessDocumentResponse xmlns="urn:epic-com:Common.2013.Services"><ProcessDocumentResult>' +
    (documentBase64 !== undefined ? `<Document>${documentBase64}</Document>` : '') +
    (error !== undefined ? `<Error>${escapeXml(error)}</Error>` : '') +
    '</ProcessDocumentResult></ProcessDocumentResponse></soap:Body></soap:Envelope>'
  );
}
