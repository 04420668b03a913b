import { XmlSecurityError, XmlSyntaxError, childNodes, tagOf, type XmlLimits, type XmlNode } from '@ehr-gateway/xml';
import { SOAP11_NAMESPACE } from '../constants';
import { SoapFault } from './soap-fault';

/**
 * What a NoteReader SOAP message may hold. Epic's ProcessDocument call has a
 * dozen elements and a few namespace declarations (a WS-Security header adds
 * about ten more): these bounds leave room and keep the work linear.
 */
export const SOAP_ENVELOPE_LIMITS: XmlLimits = { maxElements: 1_000, maxAttributes: 50, maxNamespaceDeclarations: 100 };

/** The namespace declarations in scope: one link per declaring element, looked up by walking up. */
interface Scope {
  prefixes: Map<string, string>;
  parent?: Scope;
}

/** An element with its namespace resolved against the in-scope declarations. */
export interface ScopedElement {
  node: XmlNode;
  localName: string;
  namespace?: string;
  scope?: Scope;
}

/** The element's own declarations as a new link of the chain, or its parent's scope when it declares none. */
function scopeOf(node: XmlNode, parent: Scope | undefined): Scope | undefined {
  let prefixes: Map<string, string> | undefined;
  for (const [key, value] of Object.entries(node[':@'] ?? {})) {
    if (key === '@_xmlns') (prefixes ??= new Map()).set('', value);
    else if (key.startsWith('@_xmlns:')) (prefixes ??= new Map()).set(key.slice('@_xmlns:'.length), value);
  }
  return prefixes ? { prefixes, parent } : parent;
}

function resolve(scope: Scope | undefined, prefix: string): string | undefined {
  for (let link = scope; link; link = link.parent) {
    const namespace = link.prefixes.get(prefix);
    if (namespace !== undefined) return namespace || undefined;
  }
  return undefined;
}

function scoped(node: XmlNode, parentScope: Scope | undefined): ScopedElement | undefined {
  const tag = tagOf(node);
  if (!tag || tag.startsWith('?')) return undefined;
  const scope = scopeOf(node, parentScope);
  const colon = tag.indexOf(':');
  const [prefix, localName] = colon < 0 ? ['', tag] : [tag.slice(0, colon), tag.slice(colon + 1)];
  return { node, localName, namespace: resolve(scope, prefix), scope };
}

/** The child elements of an element, resolved. */
export const elementsOf = (parent: ScopedElement): ScopedElement[] =>
  childNodes(parent.node)
    .map((node) => scoped(node, parent.scope))
    .filter((element): element is ScopedElement => !!element);

export const isElement = (element: ScopedElement | undefined, namespace: string, localName: string) =>
  element?.localName === localName && element.namespace === namespace;

/** The SOAP 1.1 `Envelope` of a parsed message, or undefined when its root is something else. */
export function envelopeOf(nodes: XmlNode[]): ScopedElement | undefined {
  const root = nodes.map((node) => scoped(node, undefined)).find((element) => element !== undefined);
  return isElement(root, SOAP11_NAMESPACE, 'Envelope') ? root : undefined;
}

/** A refused tree as a `soap:Client` fault: the limit or rule it broke, never its content. */
export function envelopeFault(error: unknown): SoapFault {
  if (error instanceof XmlSecurityError) return new SoapFault('Client', error.message);
  if (error instanceof XmlSyntaxError)
    return new SoapFault('Client', `Malformed XML: ${error.message}`, 'Malformed XML');
  throw error;
}
