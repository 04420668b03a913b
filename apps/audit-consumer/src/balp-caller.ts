import type { EHREvent } from '@ehr-gateway/events';
import { fhirReferencePattern } from '@ehr-gateway/fhir';
import type { AuditEventAgent, CodeableConcept, Extension } from '@medplum/fhirtypes';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const PURPOSE_OF_USE = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
/** The gateway's access decision on the operation (allow, deny, would-deny) and its reason. */
export const AUTHORIZATION_DECISION_EXTENSION =
  'https://ehr-gateway.dev/fhir/StructureDefinition/authorization-decision';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
const REFERENCE = fhirReferencePattern();

/** What the event says about its caller: the client, the user, purposes of use, the patient in context, the decision. */
export function balpCaller(event: EHREvent): {
  agents: AuditEventAgent[];
  purposeOfEvent?: CodeableConcept[];
  patient?: string;
  extension?: Extension[];
} {
  const { metadata } = event;
  const clientId = text(metadata.clientId);
  const user = text(metadata.user);
  const purposeOfUse = texts(metadata.purposeOfUse).map((code) => ({ coding: [{ system: PURPOSE_OF_USE, code }] }));
  const agents: AuditEventAgent[] = [
    {
      type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
      who: clientId
        ? { identifier: { value: clientId }, display: clientId }
        : { display: user ?? 'unidentified client' },
      requestor: true,
    },
  ];
  if (clientId && user) {
    agents.push({
      type: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
            code: 'humanuser',
            display: 'human user',
          },
        ],
      },
      who: REFERENCE.test(user) ? { reference: user } : { display: user },
      requestor: true,
      ...(purposeOfUse.length > 0 ? { purposeOfUse } : {}),
    });
  }
  const decision = metadata.authorization as { decision?: unknown; reason?: unknown } | undefined;
  const extension = text(decision?.decision)
    ? [
        {
          url: AUTHORIZATION_DECISION_EXTENSION,
          extension: [
            { url: 'decision', valueCode: text(decision!.decision) },
            ...(text(decision!.reason) ? [{ url: 'reason', valueString: text(decision!.reason) }] : []),
          ],
        },
      ]
    : undefined;
  const patient = text(metadata.patient);
  return {
    agents,
    purposeOfEvent: purposeOfUse.length > 0 ? purposeOfUse : undefined,
    patient: patient && REFERENCE.test(patient) ? patient : undefined,
    extension,
  };
}
