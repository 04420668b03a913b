import { FhirError } from '../errors/fhir-error';
import {
  FHIR_ID_PATTERN,
  FHIR_ROUTES,
  fhirReferencePattern,
  fhirRoutePath,
  matchFhirRoute,
  parseReference,
  referenceOfUrl,
} from './fhir-routes';

function statusOf(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    if (error instanceof FhirError) return error.status;
    throw error;
  }
  throw new Error('expected a FhirError');
}

describe('FHIR route table', () => {
  // Expected answers from FHIR R4 §3.1.0 (RESTful API summary table), written by hand.
  it.each([
    ['GET', 'metadata', { interaction: 'capabilities' }],
    ['POST', '', { interaction: 'transaction' }],
    ['GET', 'Patient', { interaction: 'search', resourceType: 'Patient' }],
    [
      'GET',
      'Patient?family=smith&_count=2',
      { interaction: 'search', resourceType: 'Patient', query: 'family=smith&_count=2' },
    ],
    ['POST', 'Patient/_search', { interaction: 'search', resourceType: 'Patient' }],
    ['POST', 'Patient', { interaction: 'create', resourceType: 'Patient' }],
    ['GET', 'Patient/_history', { interaction: 'history', resourceType: 'Patient' }],
    ['GET', 'Patient/p-1.a', { interaction: 'read', resourceType: 'Patient', id: 'p-1.a' }],
    ['HEAD', 'Patient/p1', { interaction: 'read', resourceType: 'Patient', id: 'p1' }],
    ['PUT', 'Patient/p1', { interaction: 'update', resourceType: 'Patient', id: 'p1' }],
    ['PATCH', 'Patient/p1', { interaction: 'patch', resourceType: 'Patient', id: 'p1' }],
    ['DELETE', 'Patient/p1', { interaction: 'delete', resourceType: 'Patient', id: 'p1' }],
    ['GET', 'Patient/p1/_history', { interaction: 'history', resourceType: 'Patient', id: 'p1' }],
    ['GET', 'Patient/p1/_history/3', { interaction: 'vread', resourceType: 'Patient', id: 'p1', versionId: '3' }],
    ['get', '/Observation/o1/', { interaction: 'read', resourceType: 'Observation', id: 'o1' }],
    ['GET', 'Patient/p1/Observation', { interaction: 'search', resourceType: 'Observation', id: 'p1' }],
    // R4 §3.1.1.5.x (compartment search over every type): `*` is no resource type but every type of the compartment.
    ['GET', 'Patient/p1/*', { interaction: 'search', resourceType: '*', id: 'p1' }],
    ['HEAD', 'Patient/p1/*', { interaction: 'search', resourceType: '*', id: 'p1' }],
    [
      'GET',
      'Patient/p1/*?_type=Observation,Condition',
      { interaction: 'search', resourceType: '*', id: 'p1', query: '_type=Observation,Condition' },
    ],
    ['GET', 'Patient/p1/$everything', { interaction: 'search', id: 'p1' }],
  ])('%s %s', (method, path, expected) => {
    const { route: _route, ...match } = matchFhirRoute(method, path);
    expect(match).toEqual({
      resourceType: undefined,
      id: undefined,
      versionId: undefined,
      query: undefined,
      ...expected,
    });
  });

  it('leaves judging resource types to where the operation runs', () => {
    expect(matchFhirRoute('GET', 'Patinet/p1')).toMatchObject({ interaction: 'read', resourceType: 'Patinet' });
  });

  it('takes path segments as Express gives them', () => {
    expect(matchFhirRoute('GET', ['Patient', 'p1', '_history', '2'])).toMatchObject({
      interaction: 'vread',
      id: 'p1',
      versionId: '2',
    });
  });

  it('refuses paths no interaction has (400), methods a path lacks (405), bad ids (400)', () => {
    expect(statusOf(() => matchFhirRoute('GET', 'Patient/p1/Observation/o1'))).toBe(400);
    expect(statusOf(() => matchFhirRoute('GET', 'Patient/p1/_history/2/extra'))).toBe(400);
    expect(statusOf(() => matchFhirRoute('GET', 'Patient/_search'))).toBe(405);
    expect(statusOf(() => matchFhirRoute('PATCH', 'Patient'))).toBe(405);
    expect(statusOf(() => matchFhirRoute('DELETE', 'Patient/p1/_history/1'))).toBe(405);
    expect(statusOf(() => matchFhirRoute('GET', ''))).toBe(405);
    expect(statusOf(() => matchFhirRoute('GET', '__proto__/p1'))).toBe(400);
    expect(statusOf(() => matchFhirRoute('GET', `Patient/${'a'.repeat(65)}`))).toBe(400);
    expect(statusOf(() => matchFhirRoute('GET', 'Patient/p_1'))).toBe(400);
    expect(statusOf(() => matchFhirRoute('GET', 'Patient/p1/_history/v 1'))).toBe(400);
  });

  it('never echoes the submitted segments in its messages', () => {
    for (const path of ['Patient/secret-name/Observation', `Patient/${'x'.repeat(70)}`, 'Patient/ab$cd']) {
      try {
        matchFhirRoute('GET', path);
      } catch (error) {
        expect((error as Error).message).not.toMatch(/secret-name|xxxx|ab\$cd/);
      }
    }
  });

  it('builds the canonical request of each interaction', () => {
    expect(fhirRoutePath('capabilities', {})).toEqual({ method: 'GET', path: 'metadata' });
    expect(fhirRoutePath('transaction', {})).toEqual({ method: 'POST', path: '' });
    expect(fhirRoutePath('search', { resourceType: 'Patient', query: 'name=x' })).toEqual({
      method: 'GET',
      path: 'Patient?name=x',
    });
    expect(fhirRoutePath('create', { resourceType: 'Patient' })).toEqual({ method: 'POST', path: 'Patient' });
    expect(fhirRoutePath('history', { resourceType: 'Patient' })).toEqual({ method: 'GET', path: 'Patient/_history' });
    expect(fhirRoutePath('history', { resourceType: 'Patient', id: 'p1' })).toEqual({
      method: 'GET',
      path: 'Patient/p1/_history',
    });
    expect(fhirRoutePath('vread', { resourceType: 'Patient', id: 'p1', versionId: '2' })).toEqual({
      method: 'GET',
      path: 'Patient/p1/_history/2',
    });
    expect(fhirRoutePath('delete', { resourceType: 'Patient', id: 'p1' })).toEqual({
      method: 'DELETE',
      path: 'Patient/p1',
    });
    expect(fhirRoutePath('search', { resourceType: '*', id: 'p1', query: '_type=Condition' })).toEqual({
      method: 'GET',
      path: 'Patient/p1/*?_type=Condition',
    });
    expect(fhirRoutePath('search', { resourceType: 'Condition', id: 'p1' })).toEqual({
      method: 'GET',
      path: 'Patient/p1/Condition',
    });
    expect(fhirRoutePath('search', { id: 'p1' })).toEqual({ method: 'GET', path: 'Patient/p1/$everything' });
    expect(statusOf(() => fhirRoutePath('read', { resourceType: 'Patient' }))).toBe(400);
  });

  it('serves searches only on Patient/{id}/* (every type of the compartment)', () => {
    expect(statusOf(() => matchFhirRoute('POST', 'Patient/p1/*'))).toBe(405);
    expect(statusOf(() => matchFhirRoute('GET', 'Patient/p1/*/o1'))).toBe(400);
    expect(statusOf(() => matchFhirRoute('GET', 'Patient/p_1/*'))).toBe(400);
  });

  it('parses what it builds, for every route', () => {
    const params = { resourceType: 'Encounter', id: 'e1', versionId: '7' };
    for (const route of FHIR_ROUTES) {
      const used = {
        resourceType: route.path.includes('{type}') ? params.resourceType : route.path.endsWith('/*') ? '*' : undefined,
        id: route.path.includes('{id}') ? params.id : undefined,
        versionId: route.path.includes('{vid}') ? params.versionId : undefined,
      };
      const built = fhirRoutePath(route.interaction, used);
      const { interaction, resourceType, id, versionId } = matchFhirRoute(built.method, built.path);
      expect({ interaction, resourceType, id, versionId }).toEqual({ interaction: route.interaction, ...used });
    }
  });

  it('defines the id and reference rules once', () => {
    expect(FHIR_ID_PATTERN.test('A-z.0')).toBe(true);
    expect(FHIR_ID_PATTERN.test('a'.repeat(64))).toBe(true);
    expect(FHIR_ID_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(FHIR_ID_PATTERN.test('a/b')).toBe(false);
    expect(fhirReferencePattern().test('Patient/p1')).toBe(true);
    expect(fhirReferencePattern().test('patient/p1')).toBe(false);
    expect(fhirReferencePattern(['Practitioner']).test('Practitioner/x')).toBe(true);
    expect(fhirReferencePattern(['Practitioner']).test('Patient/x')).toBe(false);
  });
});

describe('parseReference', () => {
  // Written by hand from FHIR R4 §2.3.0 (Reference.reference: a literal reference, relative or absolute, with an
  // optional `_history` version) and §2.1.0 (id: 1 to 64 of `A-Z a-z 0-9 - .`); dot-only ids are path segments.
  const id64 = 'a'.repeat(64);
  it.each([
    ['Patient/123', { resourceType: 'Patient', id: '123' }],
    ['Observation/A-z.0', { resourceType: 'Observation', id: 'A-z.0' }],
    [`Patient/${id64}`, { resourceType: 'Patient', id: id64 }],
    ['Patient/p1/_history/2', { resourceType: 'Patient', id: 'p1', versionId: '2' }],
    ['Patient/p1/_history/v.1-b', { resourceType: 'Patient', id: 'p1', versionId: 'v.1-b' }],
    ['Patient/.a', { resourceType: 'Patient', id: '.a' }],
    ['Patient/1.', { resourceType: 'Patient', id: '1.' }],
    [
      'http://fhir.hl7.org/svc/StructureDefinition/c8973a22-2b5b-4e76-9c66-00639c99e61b',
      {
        resourceType: 'StructureDefinition',
        id: 'c8973a22-2b5b-4e76-9c66-00639c99e61b',
        base: 'http://fhir.hl7.org/svc',
      },
    ],
    [
      'https://example.org/fhir/Observation/1x2/_history/2',
      { resourceType: 'Observation', id: '1x2', versionId: '2', base: 'https://example.org/fhir' },
    ],
    [
      'https://ehr.example.org/fhir/Patient/1/Observation/2',
      { resourceType: 'Observation', id: '2', base: 'https://ehr.example.org/fhir/Patient/1' },
    ],
    ['/fhir/local/Encounter/e1', { resourceType: 'Encounter', id: 'e1', base: '/fhir/local' }],
  ])('%s', (reference, expected) => {
    expect(parseReference(reference)).toEqual(expected);
  });

  it.each([
    ['a contained resource', '#p1'],
    ['a uuid', 'urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7'],
    ['an oid', 'urn:oid:1.2.3.4'],
    ['a conditional reference', 'Patient?identifier=http://example.org/mrn|12345'],
    ['a query string', 'Patient/p1?_format=json'],
    ['a fragment', 'Patient/p1#name'],
    ['a bare type', 'Patient'],
    ['a bare id', 'p1'],
    ['a type in lower case', 'patient/p1'],
    ['an empty id', 'Patient/'],
    ['a 65-character id', `Patient/${'a'.repeat(65)}`],
    ['an id with `_`', 'Patient/p_1'],
    ['an id with a space', 'Patient/p 1'],
    ['an id with `$`', 'Patient/$everything'],
    ['an id of one dot', 'Patient/.'],
    ['an id of two dots', 'Patient/..'],
    ['an id of dots before `_history`', 'Patient/../_history/1'],
    ['a version of dots', 'Patient/p1/_history/..'],
    ['an invalid version', 'Patient/p1/_history/v 1'],
    ['an empty version', 'Patient/p1/_history/'],
    ['`_history` without a version', 'Patient/p1/_history'],
    ['a search path', 'Patient/p1/Observation'],
    ['a path past the version', 'Patient/p1/_history/2/x'],
    ['an absolute URL with a bad id', 'https://example.org/fhir/Patient/p_1'],
    ['__proto__', '__proto__/p1'],
    ['an empty string', ''],
  ])('refuses %s', (_, reference) => {
    expect(parseReference(reference)).toBeUndefined();
  });
});

describe('referenceOfUrl', () => {
  it.each([
    [
      'https://example.org/fhir/Patient/p1/_history/3?_format=json',
      { resourceType: 'Patient', id: 'p1', versionId: '3', base: 'https://example.org/fhir' },
    ],
    ['Observation/o1?_summary=true', { resourceType: 'Observation', id: 'o1' }],
    ['Observation/o1#x', { resourceType: 'Observation', id: 'o1' }],
  ])('reads %s without its query string and fragment', (url, expected) => {
    expect(referenceOfUrl(url)).toEqual(expected);
  });

  it.each(['#p1', 'Patient?name=x', 'Patient/../_history/1?x=1', 'urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7'])(
    'refuses %s',
    (url) => {
      expect(referenceOfUrl(url)).toBeUndefined();
    },
  );
});
