import { parseScope, parseScopes } from './scopes';

/** Expected answers from SMART App Launch 2.x, "Scopes for requesting clinical data". */
describe('SMART scopes', () => {
  const permissions = (text: string) => [...(parseScope(text)?.permissions ?? [])].join('');

  it('reads v2 scopes: context, type, cruds letters in order, query restriction', () => {
    expect(parseScope('patient/Observation.rs')).toMatchObject({ context: 'patient', resourceType: 'Observation' });
    expect(permissions('patient/Observation.rs')).toBe('rs');
    expect(permissions('user/*.cruds')).toBe('cruds');
    expect(permissions('system/Patient.c')).toBe('c');
    expect(permissions('user/Encounter.cud')).toBe('cud');
    const restricted = parseScope(
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
    );
    expect(restricted?.restriction?.get('category')).toBe(
      'http://terminology.hl7.org/CodeSystem/observation-category|laboratory',
    );
  });

  it('maps v1 scopes as the specification says: read = rs, write = cud, * = cruds', () => {
    expect(permissions('patient/Observation.read')).toBe('rs');
    expect(permissions('user/*.write')).toBe('cud');
    expect(permissions('system/*.*')).toBe('cruds');
  });

  it('grants nothing for other or malformed scopes', () => {
    for (const text of [
      'openid',
      'fhirUser',
      'launch/patient',
      'offline_access',
      'patient/Observation.sr',
      'patient/Observation.rr',
      'patient/Observation.x',
      'patient/Observation.',
      'admin/Observation.rs',
      'patient/observation.rs',
      'patient/__proto__.rs',
      'patient/Observation.readwrite',
    ]) {
      expect(parseScope(text)).toBeUndefined();
    }
  });

  it('parses a token’s scope string, keeping only clinical-data scopes', () => {
    expect(
      parseScopes('openid  fhirUser launch/patient patient/Observation.rs user/*.read').map((s) => s.text),
    ).toEqual(['patient/Observation.rs', 'user/*.read']);
  });
});
