import { parseXml } from '@ehr-gateway/xml';
import { readProcessDocument } from './process-document-request';
import { SOAP_ENVELOPE_LIMITS, elementsOf, envelopeOf } from './soap-envelope';
import { SoapFault } from './soap-fault';
import { usernameTokenIn } from './username-token';

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const EPIC = 'urn:epic-com:Common.2013.Services';
const body = `<s:Body><ProcessDocument xmlns="${EPIC}"><Document>PENsaW5pY2FsRG9jdW1lbnQvPg==</Document></ProcessDocument></s:Body>`;
/** The red team's message (finding 2): `declarations` xmlns on the Envelope, `children` empty elements before the Body. */
const nsEnvelope = (declarations: number, children: number) =>
  `<s:Envelope xmlns:s="${SOAP}"${Array.from({ length: declarations }, (_, i) => ` xmlns:p${i}="u"`).join('')}>` +
  `${'<a/>'.repeat(children)}${body}</s:Envelope>`;

function faultOf(read: () => unknown): SoapFault {
  try {
    read();
  } catch (error) {
    if (error instanceof SoapFault) return error;
    throw error;
  }
  throw new Error('no fault');
}

describe('SOAP envelope reading: bounded, linear, naming no content', () => {
  it('refuses the 2,000-xmlns x 8,000-children envelope (63 KB, finding 2), naming the limit it breaks', () => {
    const fault = faultOf(() => readProcessDocument(nsEnvelope(2_000, 8_000), 5_000_000));
    expect(fault).toMatchObject({
      faultCode: 'Client',
      message: 'An XML element has more than 50 attributes',
      problem: 'An XML element has more than 50 attributes',
    });
  });

  it('refuses more than 100 namespace declarations spread over elements', () => {
    const spread = `<s:Envelope xmlns:s="${SOAP}">${Array.from({ length: 101 }, (_, i) => `<a xmlns:p${i}="u"/>`).join('')}${body}</s:Envelope>`;
    expect(faultOf(() => readProcessDocument(spread, 5_000_000)).message).toBe(
      'XML has more than 100 namespace declarations',
    );
  });

  it('refuses 8,000 children for the element limit, and 2,000 attributes on one element for the attribute limit', () => {
    expect(faultOf(() => readProcessDocument(nsEnvelope(0, 8_000), 5_000_000)).message).toBe(
      'XML has more than 1000 elements',
    );
    const attributes = `<s:Envelope xmlns:s="${SOAP}"${Array.from({ length: 2_000 }, (_, i) => ` a${i}="u"`).join('')}>${body}</s:Envelope>`;
    expect(faultOf(() => readProcessDocument(attributes, 5_000_000)).message).toBe(
      'An XML element has more than 50 attributes',
    );
  });

  it('resolves namespaces without copying them per element: children of a declaring element share its scope', () => {
    // 49 declarations and 990 children: within the limits, the shape that was quadratic.
    const nodes = parseXml(nsEnvelope(48, 990), 5_000_000, SOAP_ENVELOPE_LIMITS);
    const envelope = envelopeOf(nodes)!;
    const children = elementsOf(envelope);
    expect(children).toHaveLength(991);
    // One scope object for the Envelope's 49 declarations; no child declares any, so none gets its own.
    expect(new Set(children.map((child) => child.scope))).toEqual(new Set([envelope.scope]));
    expect(children.at(-1)).toMatchObject({ localName: 'Body', namespace: SOAP });
    expect(elementsOf(children.at(-1)!)[0]).toMatchObject({ localName: 'ProcessDocument', namespace: EPIC });
    expect(readProcessDocument(nsEnvelope(48, 990), 5_000_000).document).toBe('<ClinicalDocument/>');
  });

  it('names neither the operation nor its namespace in an unknown-operation fault (finding 17)', () => {
    const foreign = `<s:Envelope xmlns:s="${SOAP}"><s:Body><JaneDoe1980 xmlns="urn:ssn:123-45-6789"><Document>PENsaW5pY2FsRG9jdW1lbnQvPg==</Document></JaneDoe1980></s:Body></s:Envelope>`;
    const fault = faultOf(() => readProcessDocument(foreign, 5_000_000));
    expect(fault.message).toBe(`Unknown operation; this endpoint serves ProcessDocument in ${EPIC}`);
    expect(fault.problem).toBe(fault.message);
  });

  it('quotes no tag name of a malformed message', () => {
    const fault = faultOf(() =>
      readProcessDocument(`<s:Envelope xmlns:s="${SOAP}"><JaneDoe></Smith></s:Envelope>`, 1e6),
    );
    expect(fault.message).toMatch(/^Malformed XML: /);
    expect(fault.message).not.toMatch(/JaneDoe|Smith/);
  });

  describe('UsernameToken, read from the start of the message only (finding 4)', () => {
    const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
    const header = `<s:Header><wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>epic</wsse:Username><wsse:Password>secret password</wsse:Password></wsse:UsernameToken></wsse:Security></s:Header>`;

    it('finds the token of a message whose Body is megabytes long, from its first 32 KiB', () => {
      const large = `<s:Envelope xmlns:s="${SOAP}">${header}<s:Body><ProcessDocument xmlns="${EPIC}"><Document>${'QUFB'.repeat(500_000)}</Document></ProcessDocument></s:Body></s:Envelope>`;
      expect(usernameTokenIn(large)).toEqual({ username: 'epic', password: 'secret password' });
    });

    it('finds none past the first 32 KiB, in a Body, or in a message that is no XML', () => {
      const late = `<s:Envelope xmlns:s="${SOAP}"><!-- ${'x'.repeat(40_000)} -->${header}${body}</s:Envelope>`;
      expect(usernameTokenIn(late)).toBeUndefined();
      const inBody = `<s:Envelope xmlns:s="${SOAP}"><s:Body>${header.replace(/s:Header/g, 'x')}</s:Body></s:Envelope>`;
      expect(usernameTokenIn(inBody)).toBeUndefined();
      expect(usernameTokenIn('not xml < at all')).toBeUndefined();
      expect(usernameTokenIn({})).toBeUndefined();
    });

    it('refuses a start beyond the limits, naming the limit', () => {
      expect(faultOf(() => usernameTokenIn(nsEnvelope(2_000, 8_000))).message).toBe(
        'An XML element has more than 50 attributes',
      );
    });
  });
});
