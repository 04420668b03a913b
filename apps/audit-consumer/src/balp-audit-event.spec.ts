import { EHREventType, type EHREvent } from '@ehr-gateway/events';
import { toBalpAuditEvent } from './balp-audit-event';
import { AUTHORIZATION_DECISION_EXTENSION } from './balp-caller';

const smartRead = (authorization: Record<string, unknown>): EHREvent => ({
  id: 'e1',
  eventType: EHREventType.FHIR_READ,
  sourceSystem: 'local',
  timestamp: '2026-11-27T17:00:00.000Z',
  correlationId: 'req-1',
  payload: {
    operation: 'read',
    source: 'local',
    outcome: 'failure',
    status: 403,
    resourceType: 'Observation',
    resourceId: 'o1',
  },
  metadata: {
    user: 'Practitioner/p1',
    clientId: 'chart-app',
    patient: 'Patient/a1',
    scopes: ['launch/patient', 'patient/Observation.rs'],
    purposeOfUse: ['TREAT'],
    authorization,
  },
});

describe('BALP AuditEvent of a SMART caller', () => {
  it('carries the client, the user with the purpose of use, the patient in context and the decision', () => {
    const audit = toBalpAuditEvent(
      smartRead({ decision: 'deny', reason: 'Observation outside the patient compartment' }),
      'ehr-gateway',
    )!;
    expect(audit.meta?.profile).toEqual([
      'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead',
    ]);
    expect(audit.outcome).toBe('4');
    expect(audit.agent[0]).toEqual({
      type: {
        coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153', display: 'Source Role ID' }],
      },
      who: { identifier: { value: 'chart-app' }, display: 'chart-app' },
      requestor: true,
    });
    expect(audit.agent[1]).toMatchObject({
      type: { coding: [{ code: 'humanuser' }] },
      who: { reference: 'Practitioner/p1' },
      purposeOfUse: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] }],
    });
    expect(audit.purposeOfEvent).toEqual([
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] },
    ]);
    expect(audit.entity).toContainEqual(
      expect.objectContaining({ what: { reference: 'Patient/a1' }, role: expect.objectContaining({ code: '1' }) }),
    );
    expect(audit.extension).toEqual([
      {
        url: AUTHORIZATION_DECISION_EXTENSION,
        extension: [
          { url: 'decision', valueCode: 'deny' },
          { url: 'reason', valueString: 'Observation outside the patient compartment' },
        ],
      },
    ]);
  });

  it('records would-deny of audit-only mode', () => {
    const audit = toBalpAuditEvent(smartRead({ decision: 'would-deny' }), 'ehr-gateway')!;
    expect(audit.extension?.[0].extension).toEqual([{ url: 'decision', valueCode: 'would-deny' }]);
  });
});

describe('BALP AuditEvent of a compartment search', () => {
  it("is a PatientQuery naming the compartment's patient, with no resource of the searched type", () => {
    const audit = toBalpAuditEvent(
      {
        id: 'e2',
        eventType: EHREventType.FHIR_SEARCH,
        sourceSystem: 'local',
        timestamp: '2026-12-05T08:00:00.000Z',
        payload: {
          operation: 'search',
          source: 'local',
          outcome: 'success',
          status: 200,
          resourceType: 'Observation',
          compartment: 'Patient/a1',
          resultCount: 3,
        },
        metadata: {},
      },
      'ehr-gateway',
    )!;
    expect(audit.meta?.profile).toEqual([
      'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientQuery',
    ]);
    expect(audit.entity?.map((entity) => [entity.role?.code, entity.what?.reference])).toEqual([
      ['24', undefined],
      ['1', 'Patient/a1'],
    ]);
  });
});
