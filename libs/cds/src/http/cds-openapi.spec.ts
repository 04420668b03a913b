import 'reflect-metadata';
import { cdsOpenApi } from './cds-openapi';

describe('CDS /docs schemas (generated from the DTOs the validator compiles)', () => {
  const document = cdsOpenApi('cds-services', [{ id: 'svc', hook: 'patient-view', description: 'x' }]);
  const schemas = document.components!.schemas! as Record<string, { required?: string[]; properties?: object }>;

  it('requires what CDS Hooks 2.0 requires of a request and of feedback', () => {
    // https://cds-hooks.org/specification/current/#http-request-1 and #feedback, by hand.
    expect(schemas.CdsRequestDto.required?.sort()).toEqual(['context', 'hook', 'hookInstance']);
    expect(Object.keys(schemas.CdsRequestDto.properties!).sort()).toEqual(
      ['context', 'fhirAuthorization', 'fhirServer', 'hook', 'hookInstance', 'prefetch'].sort(),
    );
    expect(schemas.FhirAuthorizationDto.required?.sort()).toEqual([
      'access_token',
      'expires_in',
      'scope',
      'subject',
      'token_type',
    ]);
    expect(schemas.FeedbackItemDto.required?.sort()).toEqual(['card', 'outcome', 'outcomeTimestamp']);
    expect(schemas.PatientViewContextDto.required?.sort()).toEqual(['patientId', 'userId']);
  });

  it('documents the error body the exception filters build', () => {
    expect(schemas.CdsError.required?.sort()).toEqual(['details', 'error', 'message']);
    expect(Object.keys(schemas.CdsError.properties!).sort()).toEqual(['details', 'error', 'message']);
  });

  it('resolves every reference, and names no validator-only keyword', () => {
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(([, name]) => name);
    expect(refs.length).toBeGreaterThan(3);
    expect(refs.filter((name) => !schemas[name])).toEqual([]);
    expect(text).not.toContain('isUrl');
  });
});
