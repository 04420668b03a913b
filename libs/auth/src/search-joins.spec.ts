import { searchJoins, typesJoined } from './search-joins';

// Expected types from the R4 search parameter registry (https://hl7.org/fhir/R4/searchparameter-registry.html):
// Observation.subject targets Patient, Group, Device, Location; Patient.organization, Organization.
describe('search joins', () => {
  it('finds chains, _has and _filter, each parameter once, quoting names but no value', () => {
    const joins = searchJoins(
      'code=1&subject.name=Smith&subject.name=Jones&_has:Condition:subject:code=2&_filter=name%20eq%20x&_include=Observation:subject',
    );
    expect(joins).toEqual([
      { name: 'subject.name', described: "chained parameter 'subject.name'" },
      { name: '_has:Condition:subject:code', described: "reverse chaining ('_has')" },
      { name: '_filter', described: "'_filter'" },
    ]);
    expect(searchJoins('subject.<script>=1')[0].described).toBe('chained parameter (a chain)');
    expect(searchJoins('code=a.b&_include=Observation:subject')).toEqual([]);
  });

  it.each([
    ['Observation', 'subject:Patient.name', ['Patient']],
    ['Observation', 'subject.name', ['Group', 'Device', 'Patient', 'Location']],
    ['Observation', 'subject:Patient.organization.name', ['Patient', 'Organization']],
    ['Patient', 'link:Patient._has:Condition:subject:code', ['Patient', 'Condition']],
    ['Patient', '_has:Patient:link:_has:Condition:subject:code', ['Patient', 'Condition']],
    ['Patient', '_has:Observation:subject:performer:Practitioner.name', ['Observation', 'Practitioner']],
  ])('%s?%s matches on %j', (resourceType, name, types) => {
    expect(typesJoined(resourceType, name)?.sort()).toEqual([...types].sort());
  });

  it.each([
    ['Observation', '_filter'],
    ['Observation', 'no-such-parameter.name'],
    ['Patient', '_has:Condition'],
    ['Observation', 'subject:Patient:x.name'],
  ])('%s?%s cannot be told', (resourceType, name) => {
    expect(typesJoined(resourceType, name)).toBeUndefined();
  });
});
