import { describeOutcome } from './operation-outcome';

describe('describeOutcome', () => {
  it('finding 16: keeps issue codes and FHIRPath element paths, never values or free text', () => {
    expect(
      describeOutcome({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'invalid',
            diagnostics: 'Patient John Smith SSN 123-45-6789 invalid',
            expression: [
              'Patient.name[0].given[1]',
              'Patient.name[0] = John Smith',
              "Patient.identifier.where(value='123-45-6789')",
              'Bundle.entry[2].resource.ofType(Patient)',
              'John Smith',
            ],
          },
          { severity: 'error', code: 'required', expression: ['Observation.status'] },
          { severity: 'error', code: 'processing', expression: ["Patient.name.where(family = 'Smith')"] },
        ],
      }),
    ).toBe(
      'invalid at Patient.name[0].given[1], Bundle.entry[2].resource.ofType(Patient); required at Observation.status; processing',
    );
  });
});
