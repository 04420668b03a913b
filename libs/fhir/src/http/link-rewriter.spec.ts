import { rewriteLinks } from './link-rewriter';

const BACKEND = 'https://ehr.example.org/fhir/R4';
const GATEWAY = 'http://gateway.local/fhir/epic';

describe('rewriteLinks', () => {
  it('points paging links, full URLs and entry locations of a Bundle at the gateway', () => {
    const rewritten = rewriteLinks(
      {
        status: 200,
        headers: { 'content-type': 'application/fhir+json' },
        body: {
          resourceType: 'Bundle',
          type: 'searchset',
          link: [
            { relation: 'self', url: `${BACKEND}/Patient?name=x` },
            { relation: 'next', url: `${BACKEND}/Patient?name=x&_getpages=abc&_getpagesoffset=20` },
          ],
          entry: [
            { fullUrl: `${BACKEND}/Patient/1`, resource: { resourceType: 'Patient', id: '1' } },
            { response: { status: '201 Created', location: `${BACKEND}/Patient/2/_history/1` } },
          ],
        },
      },
      BACKEND,
      GATEWAY,
    );
    expect(rewritten.body).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      link: [
        { relation: 'self', url: 'http://gateway.local/fhir/epic/Patient?name=x' },
        { relation: 'next', url: 'http://gateway.local/fhir/epic/Patient?name=x&_getpages=abc&_getpagesoffset=20' },
      ],
      entry: [
        { fullUrl: 'http://gateway.local/fhir/epic/Patient/1', resource: { resourceType: 'Patient', id: '1' } },
        { response: { status: '201 Created', location: 'http://gateway.local/fhir/epic/Patient/2/_history/1' } },
      ],
    });
  });

  it('rewrites Location and Content-Location headers and leaves other headers and bodies alone', () => {
    const resource = { resourceType: 'Patient', id: '3', link: [{ other: { reference: `${BACKEND}/Patient/4` } }] };
    const rewritten = rewriteLinks(
      {
        status: 201,
        headers: {
          location: `${BACKEND}/Patient/3/_history/1`,
          'content-location': `${BACKEND}/Patient/3`,
          etag: 'W/"1"',
        },
        body: resource,
      },
      BACKEND,
      GATEWAY,
    );
    expect(rewritten.headers).toEqual({
      location: 'http://gateway.local/fhir/epic/Patient/3/_history/1',
      'content-location': 'http://gateway.local/fhir/epic/Patient/3',
      etag: 'W/"1"',
    });
    expect(rewritten.body).toBe(resource);
  });

  it('finding 15: drops links, full URLs and locations leaving the base (another host, a look-alike prefix, ..)', () => {
    const rewritten = rewriteLinks(
      {
        status: 200,
        headers: { location: 'https://other.example.org/fhir/Patient/1', 'content-location': '//evil.example/x' },
        body: {
          resourceType: 'Bundle',
          type: 'transaction-response',
          link: [
            { relation: 'next', url: 'https://ehr.example.org/fhir/R45/Patient?page=2' },
            { relation: 'previous', url: `${BACKEND}/../R5/Patient?page=0` },
            { relation: 'self', url: 'Patient?page=1' },
          ],
          entry: [
            { fullUrl: 'urn:uuid:0b3b1c3e-8d5e-4a53-a4a8-7a1b0b8c1d2e', response: { status: '201 Created' } },
            { fullUrl: 'javascript:alert(1)', response: { status: '200 OK', location: 'http://evil.example/P/1' } },
          ],
        },
      },
      BACKEND,
      GATEWAY,
    );
    expect(rewritten.headers).toEqual({});
    expect(rewritten.body).toEqual({
      resourceType: 'Bundle',
      type: 'transaction-response',
      link: [{ relation: 'self', url: 'http://gateway.local/fhir/epic/Patient?page=1' }],
      entry: [
        { fullUrl: 'urn:uuid:0b3b1c3e-8d5e-4a53-a4a8-7a1b0b8c1d2e', response: { status: '201 Created' } },
        { response: { status: '200 OK' } },
      ],
    });
  });
});
