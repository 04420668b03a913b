import { EHREvent, isEventOfFamily } from '@ehr-gateway/events';
import type { AuditEvent, AuditEventEntity } from '@medplum/fhirtypes';
import { balpCaller } from './balp-caller';

const BALP = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';

/** Each FHIR interaction's BALP shape: the restful-interaction subtype, the action, the profile. */
const INTERACTIONS: Record<string, { subtype: string; action: AuditEvent['action']; profile: string }> = {
  read: { subtype: 'read', action: 'R', profile: 'Read' },
  vread: { subtype: 'vread', action: 'R', profile: 'Read' },
  history: { subtype: 'history-instance', action: 'R', profile: 'Read' },
  search: { subtype: 'search-type', action: 'E', profile: 'Query' },
  create: { subtype: 'create', action: 'C', profile: 'Create' },
  update: { subtype: 'update', action: 'U', profile: 'Update' },
  patch: { subtype: 'patch', action: 'U', profile: 'Update' },
  delete: { subtype: 'delete', action: 'D', profile: 'Delete' },
};

const outcomeOf = (status: number): AuditEvent['outcome'] => (status < 400 ? '0' : status < 500 ? '4' : '8');

/**
 * A FHIR operation's event as an IHE Basic Audit Log Patterns (BALP)
 * AuditEvent: RESTful type and interaction subtype, action, outcome, the client
 * and server agents (the client, and the user with the purpose of use), the
 * gateway as observer, the resource (or the query), the patient (the resource
 * or the caller's patient context), the request id and the access decision. `undefined` for events
 * that are not FHIR operations, and for operations on AuditEvents themselves
 * (auditing the audit trail's own writes would never end).
 */
export function toBalpAuditEvent(event: EHREvent, gateway: string): AuditEvent | undefined {
  if (!isEventOfFamily(event, 'fhir')) return undefined;
  const { payload } = event;
  const interaction = INTERACTIONS[payload.operation];
  const resourceType = typeof payload.resourceType === 'string' ? payload.resourceType : undefined;
  if (!interaction || !resourceType || resourceType === 'AuditEvent') return undefined;
  const resourceId = typeof payload.resourceId === 'string' ? payload.resourceId : undefined;
  const reference = resourceId ? `${resourceType}/${resourceId}` : undefined;
  const compartment = typeof payload.compartment === 'string' ? payload.compartment : undefined;
  // The patient the operation is about: the Patient read or written, or the compartment searched.
  const patient = compartment ?? (resourceType === 'Patient' ? reference : undefined);

  const entity: AuditEventEntity[] = [];
  if (interaction.action === 'E') {
    entity.push({
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '24', display: 'Query' },
      description: `search ${resourceType} on ${event.sourceSystem} (${typeof payload.resultCount === 'number' ? payload.resultCount : 0} results)`,
    });
  } else if (reference) {
    entity.push({
      what: { reference },
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '4', display: 'Domain Resource' },
    });
  }
  if (patient) {
    entity.push({
      what: { reference: patient },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    });
  }
  if (event.correlationId) {
    entity.push({
      what: { identifier: { value: event.correlationId } },
      type: { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType', code: 'XrequestId' },
    });
  }
  const caller = balpCaller(event);
  if (caller.patient && !entity.some((item) => item.what?.reference === caller.patient)) {
    entity.push({
      what: { reference: caller.patient },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
    });
  }

  return {
    resourceType: 'AuditEvent',
    meta: {
      profile: [`${BALP}.${patient || caller.patient ? `Patient${interaction.profile}` : interaction.profile}`],
    },
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
      code: 'rest',
      display: 'Restful Operation',
    },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: interaction.subtype }],
    action: interaction.action,
    recorded: event.timestamp,
    outcome: outcomeOf(payload.status),
    ...(payload.error ? { outcomeDesc: payload.error } : {}),
    ...(caller.purposeOfEvent ? { purposeOfEvent: caller.purposeOfEvent } : {}),
    ...(caller.extension ? { extension: caller.extension } : {}),
    agent: [
      ...caller.agents,
      {
        type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] },
        who: { display: `${gateway} (source ${event.sourceSystem})` },
        requestor: false,
      },
    ],
    source: {
      observer: { display: gateway },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    entity,
  };
}
