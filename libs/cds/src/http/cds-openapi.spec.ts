import 'reflect-metadata';
import { cdsOpenApi } from './cds-openapi';
import { CDS_RESPONSE_SCHEMAS, isCdsResponse } from './response-validation';

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

  it('documents the response with the very schema objects the response check compiles', () => {
    expect(schemas.CdsResponse).toBe(isCdsResponse.schema);
    for (const [name, schema] of Object.entries(CDS_RESPONSE_SCHEMAS)) {
      expect({ name, same: schemas[name] === schema, frozen: Object.isFrozen(schema) }).toEqual({
        name,
        same: true,
        frozen: true,
      });
    }
  });

  it('requires what CDS Hooks 2.0 requires of a response, and lists the fields it defines', () => {
    // https://cds-hooks.hl7.org/2.0/#http-response, #card-attributes, #source, #suggestion, #action, #link, #coding
    // (the conditional fields, selectionBehavior, resource and resourceId, by an if/then rule each), by hand.
    const shape = (name: string) => ({
      required: [...(schemas[name].required ?? [])].sort(),
      fields: Object.keys(schemas[name].properties!).sort(),
    });
    expect(shape('CdsResponse')).toEqual({ required: ['cards'], fields: ['cards', 'systemActions'] });
    expect(shape('CdsCard')).toEqual({
      required: ['indicator', 'source', 'summary'],
      fields: [
        'detail',
        'indicator',
        'links',
        'overrideReasons',
        'selectionBehavior',
        'source',
        'suggestions',
        'summary',
        'uuid',
      ],
    });
    expect(shape('CdsSource')).toEqual({ required: ['label'], fields: ['icon', 'label', 'topic', 'url'] });
    expect(shape('CdsSuggestion')).toEqual({
      required: ['label'],
      fields: ['actions', 'isRecommended', 'label', 'uuid'],
    });
    expect(shape('CdsAction')).toEqual({
      required: ['description', 'type'],
      fields: ['description', 'resource', 'resourceId', 'type'],
    });
    expect(shape('CdsLink')).toEqual({
      required: ['label', 'type', 'url'],
      fields: ['appContext', 'autolaunchable', 'label', 'type', 'url'],
    });
    expect(shape('CdsCoding')).toEqual({ required: ['code', 'system'], fields: ['code', 'display', 'system'] });
    expect(shape('CdsOverrideReason')).toEqual({
      required: ['code', 'display', 'system'],
      fields: ['code', 'display', 'system'],
    });
  });

  it('resolves every reference, and names no validator-only keyword', () => {
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(([, name]) => name);
    expect(refs.length).toBeGreaterThan(3);
    expect(refs.filter((name) => !schemas[name])).toEqual([]);
    expect(text).not.toContain('isUrl');
  });
});
