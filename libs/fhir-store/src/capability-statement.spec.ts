import { FhirError } from '@ehr-gateway/fhir';
import type { CapabilityStatementRestResource, CodeSystem } from '@medplum/fhirtypes';
import { buildCapabilityStatement } from './capability-statement';
import { StoreDatabase } from './storage/store-database';
import { SearchService } from './search/search-service';
import { firstVersion } from '../../../test/support/store-versions';

/** A well-formed value for each parameter type (the engine's answer to it does not matter here, only that it takes it). */
const VALUES: Record<string, string> = {
  string: 'a',
  token: 'urn:s|a',
  date: 'ge2020-01-01',
  number: 'gt1',
  quantity: 'le5|http://unitsofmeasure.org|mg',
  reference: 'Patient/x',
  uri: 'http://example.org/a',
};
/** A value per modifier; `type:modifier` where a modifier takes another form for that type. */
const MODIFIER_VALUES: Record<string, string> = {
  missing: 'true',
  exact: 'A',
  contains: 'a',
  text: 'a',
  not: 'urn:s|a',
  in: 'http://hl7.org/fhir/ValueSet/administrative-gender',
  'not-in': 'http://hl7.org/fhir/ValueSet/administrative-gender',
  identifier: 'urn:s|a',
  above: 'http://example.org/a/b',
  below: 'http://example.org/a',
  'of-type': 'http://terminology.hl7.org/CodeSystem/v2-0203|MR|1',
  // A code of the CodeSystem the test stores (subsumption needs its hierarchy).
  'token:above': 'urn:test:cs|child',
  'token:below': 'urn:test:cs|root',
};

/** Every parameter and modifier the CapabilityStatement advertises is one the engine takes; what it leaves out, it refuses. */
describe('the CapabilityStatement lists what the search engine takes', () => {
  let db: StoreDatabase;
  let service: SearchService;
  let resources: CapabilityStatementRestResource[];

  beforeAll(() => {
    db = new StoreDatabase(':memory:');
    const codeSystem: CodeSystem = {
      resourceType: 'CodeSystem',
      id: 'cs',
      url: 'urn:test:cs',
      status: 'active',
      content: 'complete',
      concept: [{ code: 'root', concept: [{ code: 'child' }] }],
    };
    db.atomically(() => db.write(firstVersion(codeSystem)));
    service = new SearchService(
      db,
      { run: () => Promise.reject(new Error('not run')), close: async () => {} },
      'urn:x',
    );
    resources = buildCapabilityStatement().rest![0].resource!;
  });
  afterAll(() => db.close());

  const compiles = (type: string, query: string) => service.plan(service.parse(type, query));

  it('takes every advertised parameter with every advertised modifier, for every resource type', () => {
    let checked = 0;
    for (const resource of resources) {
      for (const param of resource.searchParam ?? []) {
        const modifiers = /Modifiers: (.*)$/.exec(param.documentation ?? '')?.[1].split(' ') ?? [];
        // A composite's value depends on its components' types: the conformance table covers composites.
        if (param.type === 'composite') continue;
        const value = { _list: 'l1', _text: 'word', _content: 'word' }[param.name] ?? VALUES[param.type];
        expect(() => compiles(resource.type, `${param.name}=${encodeURIComponent(value)}`)).not.toThrow();
        for (const modifier of modifiers.map((m) => m.slice(1))) {
          const modified = MODIFIER_VALUES[`${param.type}:${modifier}`] ?? MODIFIER_VALUES[modifier] ?? 'x1';
          expect(() =>
            compiles(resource.type, `${param.name}:${modifier}=${encodeURIComponent(modified)}`),
          ).not.toThrow();
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('advertises :of-type on Identifier tokens only, and refuses it elsewhere', () => {
    const patient = resources.find((r) => r.type === 'Patient')!;
    const documentation = (code: string) => patient.searchParam?.find((p) => p.name === code)?.documentation ?? '';
    expect(documentation('identifier')).toContain(':of-type');
    expect(documentation('gender')).not.toContain(':of-type');
    expect(() => compiles('Patient', `gender:of-type=${encodeURIComponent(MODIFIER_VALUES['of-type'])}`)).toThrow(
      FhirError,
    );
  });

  it('refuses token :above/:below on a system without a stored CodeSystem hierarchy, naming the parameter', () => {
    expect(() => compiles('Observation', 'code:below=http://loinc.org%7C8867-4')).toThrow(
      /'code:below'.*code system whose hierarchy this server does not hold/,
    );
    expect(buildCapabilityStatement().rest![0].documentation).toMatch(/:above\/:below from the hierarchies/);
  });

  it('declares the Patient compartment it serves (Patient/{id}/{type}, /*, $everything)', () => {
    const [rest] = buildCapabilityStatement().rest!;
    expect(rest.compartment).toEqual(['http://hl7.org/fhir/CompartmentDefinition/patient']);
    expect(rest.documentation).toContain('Patient/{id}/* (every type');
  });

  it.each([
    ['_filter', 'Patient', '_filter=name eq smith'],
    ['_query', 'Patient', '_query=x'],
    ['near (special)', 'Location', 'near=42|-71|10|km'],
  ])('%s: absent from the statement and refused with 400', (feature, type, query) => {
    const [name] = query.split('=');
    const [code, modifier] = name.split(':');
    const resource = resources.find((r) => r.type === type)!;
    const advertised = resource.searchParam?.find((p) => p.name === code);
    if (modifier) expect(advertised?.documentation ?? '').not.toContain(`:${modifier}`);
    else expect(advertised).toBeUndefined();
    expect(() => compiles(type, query)).toThrow(FhirError);
    expect(buildCapabilityStatement().rest![0].documentation).toContain(feature.split(' ')[0]);
  });
});
