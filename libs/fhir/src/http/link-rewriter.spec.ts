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

  it('keeps URLs that point elsewhere (another server, a look-alike prefix)', () => {
    const rewritten = rewriteLinks(
      {
        status: 200,
        headers: { location: 'https://other.example.org/fhir/Patient/1' },
        body: {
          resourceType: 'Bundle',
          type: 'searchset',
          link: [{ relation: 'next', url: 'https://ehr.example.org/fhir/R45/Patient?page=2' }],
        },
      },
      BACKEND,
      GATEWAY,
    );
    expect(rewritten.headers.location).toBe('https://other.example.org/fhir/Patient/1');
    expect(rewritten.body).toMatchObject({ link: [{ url: 'https://ehr.example.org/fhir/R45/Patient?page=2' }] });
  });
});
