import { renderPrefetchTemplate } from './prefetch-template';

const context = {
  userId: 'PractitionerRole/role-9',
  patientId: '1288992',
  encounterId: '89284',
  draftOrders: { resourceType: 'Bundle' },
};

describe('renderPrefetchTemplate', () => {
  it('substitutes root-level primitive context fields', () => {
    expect(renderPrefetchTemplate('Observation?patient={{context.patientId}}&code=4548-4&_count=1', context)).toBe(
      'Observation?patient=1288992&code=4548-4&_count=1',
    );
  });

  it('substitutes the user tokens from context.userId, and only the matching one', () => {
    expect(renderPrefetchTemplate('PractitionerRole?_id={{userPractitionerRoleId}}', context)).toBe(
      'PractitionerRole?_id=role-9',
    );
    expect(renderPrefetchTemplate('Practitioner/{{userPractitionerId}}', context)).toBeUndefined();
  });

  it('refuses tokens without a primitive value, and encodes values', () => {
    expect(renderPrefetchTemplate('Bundle/{{context.draftOrders}}', context)).toBeUndefined();
    expect(renderPrefetchTemplate('Patient/{{context.missing}}', context)).toBeUndefined();
    expect(renderPrefetchTemplate('Patient?name={{context.patientId}}', { ...context, patientId: 'a&b=c' })).toBe(
      'Patient?name=a%26b%3Dc',
    );
  });
});
