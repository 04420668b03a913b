import type { Request } from 'express';
import { FhirError } from '../errors/fhir-error';
import { assertAcceptsJson, assertJsonBody } from './content-negotiation';

const request = (parts: { accept?: string; format?: string; contentType?: string; body?: unknown }) =>
  ({
    query: parts.format === undefined ? {} : { _format: parts.format },
    headers: { accept: parts.accept, 'content-type': parts.contentType },
    body: parts.body,
  }) as unknown as Request;

function statusOf(run: () => void): number | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof FhirError) return error.status;
    throw error;
  }
}

// FHIR R4 §3.1.0.1.9 (content types and encodings) and §2.21.0.6 (_format), written by hand.
describe('content negotiation', () => {
  it.each([
    [undefined],
    ['application/fhir+json'],
    ['application/fhir+json; fhirVersion=4.0'],
    ['application/json'],
    ['*/*'],
    ['application/*'],
    ['text/html, application/fhir+json;q=0.9'],
  ])('accepts Accept: %s', (accept) => {
    expect(statusOf(() => assertAcceptsJson(request({ accept })))).toBeUndefined();
  });

  it.each([['application/fhir+xml'], ['text/html'], ['application/xml, text/xml']])(
    'answers 406 to Accept: %s',
    (accept) => {
      expect(statusOf(() => assertAcceptsJson(request({ accept })))).toBe(406);
    },
  );

  it('lets _format override Accept', () => {
    expect(
      statusOf(() => assertAcceptsJson(request({ accept: 'application/fhir+xml', format: 'json' }))),
    ).toBeUndefined();
    expect(statusOf(() => assertAcceptsJson(request({ format: 'application/fhir+json' })))).toBeUndefined();
    expect(statusOf(() => assertAcceptsJson(request({ accept: 'application/fhir+json', format: 'xml' })))).toBe(406);
  });

  it('takes JSON bodies (FHIR, plain, JSON Patch) and forms only where allowed', () => {
    const resource = { resourceType: 'Patient' };
    for (const contentType of [
      'application/fhir+json',
      'application/json; charset=utf-8',
      'application/json-patch+json',
    ]) {
      expect(statusOf(() => assertJsonBody(request({ contentType, body: resource }), false))).toBeUndefined();
    }
    const form = request({ contentType: 'application/x-www-form-urlencoded', body: { name: 'x' } });
    expect(statusOf(() => assertJsonBody(form, true))).toBeUndefined();
    expect(statusOf(() => assertJsonBody(form, false))).toBe(415);
    expect(
      statusOf(() => assertJsonBody(request({ contentType: 'application/fhir+xml', body: '<Patient/>' }), false)),
    ).toBe(415);
  });

  it('needs a Content-Type only when there is a body', () => {
    expect(statusOf(() => assertJsonBody(request({}), false))).toBeUndefined();
    expect(statusOf(() => assertJsonBody(request({ body: {} }), false))).toBeUndefined();
    expect(statusOf(() => assertJsonBody(request({ body: 'text' }), false))).toBe(415);
  });
});
