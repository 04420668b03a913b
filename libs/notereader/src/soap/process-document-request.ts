import { XmlNode, XmlSecurityError, XmlSyntaxError, attr, childNodes, parseXml, tagOf, textOf } from '@ehr-gateway/cda';
import { EPIC_NAMESPACE, SOAP11_NAMESPACE } from '../constants';
import { SoapFault } from './soap-fault';

export interface ProcessDocumentCall {
  sessionId?: string;
  workType?: string;
  organizationId?: string;
  /** The decoded document. */
  document: string;
  /** A WS-Security `UsernameToken` (PasswordText) from the SOAP header, when one was sent. */
  usernameToken?: { username: string; password: string };
}

const WSSE_NAMESPACE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** An element with its namespace resolved against the in-scope declarations. */
interface ScopedElement {
  node: XmlNode;
  localName: string;
  namespace?: string;
  scope: Map<string, string>;
}

function scoped(node: XmlNode, parentScope: Map<string, string>): ScopedElement | undefined {
  const tag = tagOf(node);
  if (!tag || tag.startsWith('?')) return undefined;
  const scope = new Map(parentScope);
  for (const [key, value] of Object.entries(node[':@'] ?? {})) {
    if (key === '@_xmlns') scope.set('', value);
    else if (key.startsWith('@_xmlns:')) scope.set(key.slice('@_xmlns:'.length), value);
  }
  const [prefix, local] = tag.includes(':') ? tag.split(':', 2) : ['', tag];
  return { node, localName: local, namespace: scope.get(prefix), scope };
}

const elementsOf = (parent: ScopedElement) =>
  childNodes(parent.node)
    .map((node) => scoped(node, parent.scope))
    .filter((element): element is ScopedElement => !!element);

/** The base64 `Document`, decoded, strictly: whitespace allowed, anything else refused. */
function decodeDocument(value: string, maxBytes: number): string {
  const compact = value.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new SoapFault('Client', 'Document is not valid base64');
  }
  if ((compact.length / 4) * 3 > maxBytes)
    throw new SoapFault('Client', `Document exceeds the size limit of ${maxBytes} bytes`);
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * Reads a SOAP 1.1 `ProcessDocument` call. Every problem is a `soap:Client`
 * fault that names it: malformed XML, a DTD, not a SOAP 1.1 envelope, no Body,
 * another operation, no or invalid `Document`.
 */
export function readProcessDocument(xml: unknown, maxBytes: number): ProcessDocumentCall {
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new SoapFault('Client', 'Expected a SOAP 1.1 envelope (Content-Type text/xml)');
  }
  let nodes: XmlNode[];
  try {
    nodes = parseXml(xml, maxBytes * 2);
  } catch (error) {
    if (error instanceof XmlSecurityError) throw new SoapFault('Client', error.message);
    if (error instanceof XmlSyntaxError) throw new SoapFault('Client', `Malformed XML: ${error.message}`);
    throw error;
  }
  const envelope = nodes.map((node) => scoped(node, new Map())).find((element) => element !== undefined);
  if (!envelope || envelope.localName !== 'Envelope' || envelope.namespace !== SOAP11_NAMESPACE) {
    throw new SoapFault('Client', `Not a SOAP 1.1 envelope: expected Envelope in ${SOAP11_NAMESPACE}`);
  }
  const header = elementsOf(envelope).find(
    (element) => element.localName === 'Header' && element.namespace === SOAP11_NAMESPACE,
  );
  const body = elementsOf(envelope).find(
    (element) => element.localName === 'Body' && element.namespace === SOAP11_NAMESPACE,
  );
  if (!body) throw new SoapFault('Client', 'The SOAP envelope has no Body');
  const operation = elementsOf(body)[0];
  if (!operation) throw new SoapFault('Client', 'The SOAP Body is empty');
  if (operation.localName !== 'ProcessDocument' || operation.namespace !== EPIC_NAMESPACE) {
    throw new SoapFault(
      'Client',
      `Unknown operation ${operation.localName}${operation.namespace ? ` in ${operation.namespace}` : ''}; this endpoint serves ProcessDocument`,
    );
  }
  const fields = new Map(elementsOf(operation).map((element) => [element.localName, element.node]));
  const field = (name: string) => {
    const node = fields.get(name);
    if (!node || attr(node, 'xsi:nil') === 'true') return undefined;
    return textOf(node).trim();
  };
  const document = field('Document');
  if (document === undefined || document === '') throw new SoapFault('Client', 'ProcessDocument has no Document');
  return {
    sessionId: field('SessionID'),
    workType: field('WorkType'),
    organizationId: field('OrganizationID'),
    document: decodeDocument(document, maxBytes),
    usernameToken: header ? usernameTokenOf(header) : undefined,
  };
}

/** `wsse:Security/wsse:UsernameToken` with its `Username` and `Password` (PasswordText). */
function usernameTokenOf(header: ScopedElement): ProcessDocumentCall['usernameToken'] {
  const inWsse = (element: ScopedElement, name: string) =>
    element.localName === name && element.namespace === WSSE_NAMESPACE;
  const security = elementsOf(header).find((element) => inWsse(element, 'Security'));
  const token = security && elementsOf(security).find((element) => inWsse(element, 'UsernameToken'));
  if (!token) return undefined;
  const parts = elementsOf(token);
  const username = parts.find((element) => inWsse(element, 'Username'));
  const password = parts.find((element) => inWsse(element, 'Password'));
  if (!username || !password) return undefined;
  return { username: textOf(username.node).trim(), password: textOf(password.node) };
}
