import { XmlNode, attr, parseXml, textOf } from '@ehr-gateway/xml';
import { EPIC_NAMESPACE, SOAP11_NAMESPACE } from '../constants';
import { decodeDocument } from './document-encoding';
import { SOAP_ENVELOPE_LIMITS, elementsOf, envelopeFault, envelopeOf, isElement } from './soap-envelope';
import { SoapFault } from './soap-fault';

export interface ProcessDocumentCall {
  sessionId?: string;
  workType?: string;
  organizationId?: string;
  /** The decoded document. */
  document: string;
  /** The document as it came (base64, whitespace removed): the answer when a handler's failure returns it unchanged. */
  documentBase64: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The base64 `Document`, strictly: whitespace allowed, anything else refused. */
function compactBase64(value: string, maxBytes: number): string {
  const compact = value.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new SoapFault('Client', 'Document is not valid base64');
  }
  if ((compact.length / 4) * 3 > maxBytes)
    throw new SoapFault('Client', `Document exceeds the size limit of ${maxBytes} bytes`);
  return compact;
}

/** The message's tree, within `SOAP_ENVELOPE_LIMITS`. */
function parseSoapMessage(xml: string, maxBytes: number): XmlNode[] {
  try {
    return parseXml(xml, maxBytes, SOAP_ENVELOPE_LIMITS);
  } catch (error) {
    throw envelopeFault(error);
  }
}

/**
 * Reads a SOAP 1.1 `ProcessDocument` call. Every problem is a `soap:Client`
 * fault that names it, never what was sent: malformed XML, a DTD, a tree beyond
 * `SOAP_ENVELOPE_LIMITS`, not a SOAP 1.1 envelope, no Body, another operation,
 * no or invalid `Document`, a document encoding not read here.
 */
export function readProcessDocument(xml: unknown, maxBytes: number): ProcessDocumentCall {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new SoapFault('Client', 'Expected a SOAP 1.1 envelope (Content-Type text/xml)');
  }
  const envelope = envelopeOf(parseSoapMessage(xml, maxBytes * 2));
  if (!envelope) {
    throw new SoapFault('Client', `Not a SOAP 1.1 envelope: expected Envelope in ${SOAP11_NAMESPACE}`);
  }
  const body = elementsOf(envelope).find((element) => isElement(element, SOAP11_NAMESPACE, 'Body'));
  if (!body) throw new SoapFault('Client', 'The SOAP envelope has no Body');
  const operation = elementsOf(body)[0];
  if (!operation) throw new SoapFault('Client', 'The SOAP Body is empty');
  if (!isElement(operation, EPIC_NAMESPACE, 'ProcessDocument')) {
    throw new SoapFault('Client', `Unknown operation; this endpoint serves ProcessDocument in ${EPIC_NAMESPACE}`);
  }
  const fields = new Map(elementsOf(operation).map((element) => [element.localName, element.node]));
  const field = (name: string) => {
    const node = fields.get(name);
    if (!node || attr(node, 'xsi:nil') === 'true') return undefined;
    return textOf(node).trim();
  };
  const document = field('Document');
  if (document === undefined || document === '') throw new SoapFault('Client', 'ProcessDocument has no Document');
  const documentBase64 = compactBase64(document, maxBytes);
  return {
    sessionId: field('SessionID'),
    workType: field('WorkType'),
    organizationId: field('OrganizationID'),
    document: decodeDocument(Buffer.from(documentBase64, 'base64')),
    documentBase64,
  };
}
