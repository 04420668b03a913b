import { SoapFault } from './soap-fault';

const BOMS: [bytes: number[], encoding: 'utf-8' | 'utf-16le' | 'utf-16be'][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/** Encoding names an XML declaration may give for the encodings read here (IANA names and aliases, lower case). */
const DECLARED: Record<string, 'utf-8' | 'latin1'> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'iso-8859-1': 'latin1',
  'iso_8859-1': 'latin1',
  latin1: 'latin1',
  l1: 'latin1',
};

/** The `encoding` of an XML declaration; the declaration is ASCII in every encoding without a BOM read here. */
const DECLARATION = /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/;

const UNSUPPORTED = 'Document encoding is not supported: send UTF-8, UTF-16 with a byte order mark, or ISO-8859-1';

/**
 * The text of a CDA document from its bytes, as XML 1.0 (appendix F) says to
 * find the encoding: a byte order mark, else the XML declaration, else UTF-8.
 * Bytes that are not valid in that encoding, and other encodings, are a
 * `soap:Client` fault (never text with replacement characters).
 */
export function decodeDocument(bytes: Buffer): string {
  const bom = BOMS.find(([mark]) => mark.every((byte, i) => bytes[i] === byte));
  const declared = bom ? undefined : DECLARATION.exec(bytes.subarray(0, 256).toString('latin1'))?.[1].toLowerCase();
  const encoding = bom ? bom[1] : declared === undefined ? 'utf-8' : DECLARED[declared];
  if (!encoding) throw new SoapFault('Client', UNSUPPORTED);
  if (encoding === 'latin1') return bytes.toString('latin1');
  try {
    // The decoder drops the byte order mark.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new SoapFault(
      'Client',
      `Document is not valid ${encoding.toUpperCase()}: declare its encoding, or send UTF-8`,
    );
  }
}
