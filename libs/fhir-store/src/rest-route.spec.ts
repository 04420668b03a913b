import { FHIR_ROUTES } from '@ehr-gateway/fhir';
import { parseRoute } from './rest-route';

const failsWith = (status: number) => expect.objectContaining({ status }) as unknown as Error;

/** The store reads paths with the gateway's route table; expected readings from FHIR R4 §3.1.0, by hand. */
describe('store routes (over FHIR_ROUTES)', () => {
  it.each([
    ['', { kind: 'base' }],
    ['metadata', { kind: 'metadata' }],
    ['_history?_count=2', { kind: 'system-history', query: '_count=2' }],
    ['Patient?name=x', { kind: 'type', resourceType: 'Patient', query: 'name=x' }],
    ['Patient/_search', { kind: 'search-post', resourceType: 'Patient', query: '' }],
    ['Patient/_history', { kind: 'type-history', resourceType: 'Patient', query: '' }],
    ['Patient/p1', { kind: 'instance', resourceType: 'Patient', id: 'p1' }],
    [
      'Patient/p1/_history?_count=1',
      { kind: 'instance-history', resourceType: 'Patient', id: 'p1', query: '_count=1' },
    ],
    ['Patient/p1/_history/2', { kind: 'version', resourceType: 'Patient', id: 'p1', versionId: '2' }],
    ['Patient/p1/$everything?_count=5', { kind: 'everything', patient: 'p1', query: '_count=5' }],
    ['Patient/p1/Observation', { kind: 'compartment', patient: 'p1', resourceType: 'Observation', query: '' }],
    ['Patient/p1/*', { kind: 'compartment', patient: 'p1', resourceType: '*', query: '' }],
  ])('%s', (path, expected) => {
    expect(parseRoute(path)).toEqual(expected);
  });

  it('has a reading for every template of the table', () => {
    const sample = { '{type}': 'Observation', '{id}': 'o1', '{vid}': '1' };
    for (const { path } of FHIR_ROUTES) {
      const concrete = path.replace(/\{type\}|\{id\}|\{vid\}/g, (part) => sample[part as keyof typeof sample]);
      expect(() => parseRoute(concrete)).not.toThrow();
    }
  });

  it('refuses unknown shapes and bad ids (400) and unknown types (404)', () => {
    expect(() => parseRoute('Observation/o1/Patient')).toThrow(failsWith(400));
    expect(() => parseRoute('Patient/p1/_history/2/x')).toThrow(failsWith(400));
    expect(() => parseRoute('Patient/p_1')).toThrow(failsWith(400));
    expect(() => parseRoute('Patinet/p1')).toThrow(failsWith(404));
    expect(() => parseRoute('Patient/p1/Patinet')).toThrow(failsWith(404));
  });
});
