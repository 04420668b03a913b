import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * An XML element in document order, as fast-xml-parser's `preserveOrder`
 * model holds it: `{ [tagName]: children, ':@': attributes }`; text is
 * `{ '#text': value }`, comments `{ '#comment': [...] }`, CDATA `{ '#cdata': [...] }`.
 * Everything the parser saw is kept, so serializing gives the document back.
 */
export type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

export const ATTRIBUTE_PREFIX = '@_';
const META_KEYS = new Set([':@', '#text', '#comment', '#cdata', '?xml']);

export class XmlSecurityError extends Error {}
export class XmlSyntaxError extends Error {}

const OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  ignoreDeclaration: false,
  ignorePiTags: false,
  maxNestedTags: 100,
} as const;

/**
 * Bounds on a tree's size beyond its byte size, checked as the parser completes
 * each element: the work stays linear in the document and stops at the first
 * excess (`XmlLimitError`, naming the limit).
 */
export interface XmlLimits {
  /** Elements in the whole document. */
  maxElements: number;
  /** Attributes on one element, namespace declarations included. */
  maxAttributes: number;
  /** Namespace declarations (`xmlns`, `xmlns:p`) in the whole document. */
  maxNamespaceDeclarations: number;
}

export class XmlLimitError extends XmlSecurityError {}

const isNamespaceDeclaration = (key: string) =>
  key === `${ATTRIBUTE_PREFIX}xmlns` || key.startsWith(`${ATTRIBUTE_PREFIX}xmlns:`);

/** fast-xml-parser's `updateTag` hook (called once per completed element) counting against `limits`. */
function limitCounter(limits: XmlLimits) {
  let elements = 0;
  let declarations = 0;
  return (_tag: string, _path: unknown, attributes: Record<string, string> | undefined) => {
    if (++elements > limits.maxElements) throw new XmlLimitError(`XML has more than ${limits.maxElements} elements`);
    if (attributes) {
      const keys = Object.keys(attributes);
      if (keys.length > limits.maxAttributes)
        throw new XmlLimitError(`An XML element has more than ${limits.maxAttributes} attributes`);
      declarations += keys.filter(isNamespaceDeclaration).length;
      if (declarations > limits.maxNamespaceDeclarations)
        throw new XmlLimitError(`XML has more than ${limits.maxNamespaceDeclarations} namespace declarations`);
    }
    return true;
  };
}

function parseTree(xml: string, limits: XmlLimits | undefined): XmlNode[] {
  const options = limits ? { ...OPTIONS, updateTag: limitCounter(limits) } : OPTIONS;
  try {
    return new XMLParser(options).parse(xml) as XmlNode[];
  } catch (error) {
    if (error instanceof XmlLimitError) throw error;
    // The parser's only refusal of well-formed XML is its nesting limit (OPTIONS.maxNestedTags).
    throw new XmlSecurityError(`XML nests elements deeper than ${OPTIONS.maxNestedTags} levels`, { cause: error });
  }
}

/**
 * Parses XML into the ordered tree. Refuses any DTD (no entity can be declared,
 * so none is expanded or fetched) and, given `limits`, a tree larger than they
 * allow. Error messages name the rule broken and a line, never the content.
 */
export function parseXml(xml: string, maxBytes: number, limits?: XmlLimits): XmlNode[] {
  if (Buffer.byteLength(xml, 'utf8') > maxBytes)
    throw new XmlSecurityError(`XML exceeds the size limit of ${maxBytes} bytes`);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new XmlSecurityError('XML with a DTD (DOCTYPE or ENTITY declaration) is not accepted');
  // The parser itself is lenient (an unclosed tag is accepted): check well-formedness first.
  const verdict = XMLValidator.validate(xml);
  // The validator's message quotes names from the document: only its code and line are passed on.
  if (verdict !== true) throw new XmlSyntaxError(`${verdict.err.code} at line ${verdict.err.line}`);
  return parseTree(xml, limits);
}

/**
 * The tree of a document's first `maxChars` characters (up to the last complete
 * tag), unchecked for well-formedness: a bounded look at what a large document
 * begins with (a SOAP header), before anything reads all of it. Undefined when
 * that beginning does not parse.
 */
export function parseXmlStart(xml: string, maxChars: number, limits: XmlLimits): XmlNode[] | undefined {
  const start = xml.length <= maxChars ? xml : xml.slice(0, xml.lastIndexOf('>', maxChars - 1) + 1);
  if (/<!DOCTYPE|<!ENTITY/i.test(start)) return undefined;
  try {
    return parseTree(start, limits);
  } catch (error) {
    if (error instanceof XmlLimitError) throw error;
    return undefined;
  }
}

export function serializeXml(nodes: XmlNode[]): string {
  return new XMLBuilder({ ...OPTIONS, format: false, suppressEmptyNode: false }).build(nodes);
}

/** The element name of a node, or undefined for text, comments and declarations. */
export function tagOf(node: XmlNode): string | undefined {
  return Object.keys(node).find((key) => !META_KEYS.has(key));
}

/** The name without its namespace prefix. */
export const localName = (tag: string) => tag.slice(tag.indexOf(':') + 1);

export function childNodes(node: XmlNode): XmlNode[] {
  const tag = tagOf(node);
  return tag ? ((node[tag] as XmlNode[]) ?? []) : [];
}

export function children(node: XmlNode, name: string): XmlNode[] {
  return childNodes(node).filter((child) => {
    const tag = tagOf(child);
    return tag !== undefined && localName(tag) === name;
  });
}

export const child = (node: XmlNode, name: string): XmlNode | undefined => children(node, name)[0];

/** Follows a path of element names (`entry/act/entryRelationship`), collecting every match. */
export function descend(node: XmlNode, path: string): XmlNode[] {
  return path.split('/').reduce<XmlNode[]>((nodes, name) => nodes.flatMap((n) => children(n, name)), [node]);
}

export const attr = (node: XmlNode | undefined, name: string): string | undefined =>
  node?.[':@']?.[`${ATTRIBUTE_PREFIX}${name}`];

/** The concatenated text content of a node and its descendants. */
export function textOf(node: XmlNode | undefined): string {
  if (!node) return '';
  if (typeof node['#text'] === 'string' || typeof node['#text'] === 'number') return String(node['#text']);
  if (Array.isArray(node['#cdata'])) return (node['#cdata'] as XmlNode[]).map(textOf).join('');
  return childNodes(node).map(textOf).join('');
}

/** Builds an element node. */
export function element(
  name: string,
  attributes: Record<string, string | undefined> = {},
  content: XmlNode[] = [],
): XmlNode {
  const attrs = Object.fromEntries(
    Object.entries(attributes)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([key, value]) => [`${ATTRIBUTE_PREFIX}${key}`, value]),
  );
  return { [name]: content, ...(Object.keys(attrs).length > 0 ? { ':@': attrs } : {}) };
}

export const text = (value: string): XmlNode => ({ '#text': value });
