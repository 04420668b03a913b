import { FHIR_ROUTES } from '@ehr-gateway/fhir';
import { parseRoute } from './rest-route';

const failsWith = (status: number) => expect.objectContaining({ status }) as unknown as Error;

/** The store reads requests with the gateway's route table; expected readings from FHIR R4 §3.1.0, by hand. */
describe('store routes (over FHIR_ROUTES)', () => {
  it.each([
    ['POST', '', { kind: 'transaction' }],
    ['GET', 'metadata', { kind: 'capabilities' }],
    ['HEAD', 'metadata', { kind: 'capabilities' }],
    ['GET', '_history?_count=2', { kind: 'history', query: '_count=2' }],
    ['GET', 'Patient?name=x', { kind: 'search', resourceType: 'Patient', query: 'name=x', form: false }],
    ['HEAD', 'Patient', { kind: 'search', resourceType: 'Patient', query: '', form: false }],
    ['POST', 'Patient/_search', { kind: 'search', resourceType: 'Patient', query: '', form: true }],
    ['POST', 'Patient', { kind: 'create', resourceType: 'Patient' }],
    ['POST', '/Patient?identifier=a', { kind: 'create', resourceType: 'Patient' }],
    ['PUT', 'Patient?identifier=a', { kind: 'update', resourceType: 'Patient', query: 'identifier=a' }],
    ['DELETE', 'Patient?identifier=a', { kind: 'delete', resourceType: 'Patient', query: 'identifier=a' }],
    ['GET', 'Patient/_history', { kind: 'history', resourceType: 'Patient', query: '' }],
    ['GET', 'Patient/p1', { kind: 'read', resourceType: 'Patient', id: 'p1' }],
    ['PUT', 'Patient/p1', { kind: 'update', resourceType: 'Patient', id: 'p1', query: '' }],
    ['PATCH', 'Patient/p1', { kind: 'patch', resourceType: 'Patient', id: 'p1' }],
    ['DELETE', 'Patient/p1', { kind: 'delete', resourceType: 'Patient', id: 'p1', query: '' }],
    ['GET', 'Patient/p1/_history?_count=1', { kind: 'history', resourceType: 'Patient', id: 'p1', query: '_count=1' }],
    ['GET', 'Patient/p1/_history/2', { kind: 'vread', resourceType: 'Patient', id: 'p1', versionId: '2' }],
    ['GET', 'Patient/p1/$everything?_count=5', { kind: 'everything', patient: 'p1', query: '_count=5' }],
    [
      'GET',
      'Patient/p1/Observation',
      { kind: 'search', patient: 'p1', resourceType: 'Observation', query: '', form: false },
    ],
    ['GET', 'Patient/p1/*', { kind: 'search', patient: 'p1', resourceType: '*', query: '', form: false }],
  ])('%s %s', (method, path, expected) => {
    expect(parseRoute(method, path)).toEqual(expected);
  });

  it('has a reading for every route of the table', () => {
    const sample = { '{type}': 'Observation', '{id}': 'o1', '{vid}': '1' };
    for (const { method, path } of FHIR_ROUTES) {
      const concrete = path.replace(/\{type\}|\{id\}|\{vid\}/g, (part) => sample[part as keyof typeof sample]);
      expect(() => parseRoute(method, concrete)).not.toThrow();
    }
  });

  it('refuses unknown shapes and bad ids (400), methods the table lacks (405) and unknown types (404)', () => {
    expect(() => parseRoute('GET', 'Observation/o1/Patient')).toThrow(failsWith(400));
    expect(() => parseRoute('GET', 'Patient/p1/_history/2/x')).toThrow(failsWith(400));
    expect(() => parseRoute('GET', 'Patient/p_1')).toThrow(failsWith(400));
    expect(() => parseRoute('GET', '')).toThrow(failsWith(405));
    expect(() => parseRoute('PATCH', 'Patient')).toThrow(failsWith(405));
    expect(() => parseRoute('POST', 'Patient/p1')).toThrow(failsWith(405));
    expect(() => parseRoute('GET', 'Patient/_search')).toThrow(failsWith(405));
    expect(() => parseRoute('POST', 'Patient/p1/*')).toThrow(failsWith(405));
    expect(() => parseRoute('DELETE', 'Patient/p1/_history/1')).toThrow(failsWith(405));
    expect(() => parseRoute('GET', 'Patinet/p1')).toThrow(failsWith(404));
    expect(() => parseRoute('GET', 'Patient/p1/Patinet')).toThrow(failsWith(404));
    expect(() => parseRoute('GET', '*')).toThrow(failsWith(404));
  });
});
