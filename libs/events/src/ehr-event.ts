import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Every operation the gateway performs, by name. The values are the event names. */
export enum EHREventType {
  EHR_GENERIC = 'ehr.generic',
  FHIR_READ = 'fhir.read',
  FHIR_SEARCH = 'fhir.search',
  FHIR_UPDATE = 'fhir.update',
  FHIR_DELETE = 'fhir.delete',
  FHIR_CREATE = 'fhir.create',
  CDS_PATIENT_VIEW = 'cds.patient.view',
  CDS_ENCOUNTER_DISCHARGE = 'cds.encounter.discharge',
  CDS_ORDER_SIGN = 'cds.order.sign',
  CDS_ORDER_SELECT = 'cds.order.select',
  NOTEREADER_SIGN_NOTE = 'notereader.sign.note',
  NOTEREADER_PROCESS_NOTE = 'notereader.process.note',
}

export type EventFamily = 'ehr' | 'fhir' | 'cds' | 'notereader';

export type OperationOutcomeKind = 'success' | 'failure';

/** Fields every payload carries. */
export interface BaseEventPayload {
  /** The precise interaction (`read`, `vread`, `history`, `invoke`, `ProcessDocument`, ...). */
  operation: string;
  outcome: OperationOutcomeKind;
  /** The protocol status of the operation (HTTP status for HTTP-shaped protocols). */
  status: number;
  /** How long the operation took, in milliseconds, when the emitter measured it. */
  durationMs?: number;
  /** Why a failed operation failed; never carries secrets. */
  error?: string;
  [extra: string]: unknown;
}

export interface FhirEventPayload extends BaseEventPayload {
  source: string;
  resourceType?: string;
  resourceId?: string;
  versionId?: string;
  resultCount?: number;
  resource?: unknown;
}

export interface CdsEventPayload extends BaseEventPayload {
  serviceId: string;
  hook: string;
  hookInstance?: string;
  patientId?: string;
  cardCount?: number;
}

export interface NoteReaderEventPayload extends BaseEventPayload {
  sessionId?: string;
  workType?: string;
  organizationId?: string;
  resourcesAdded?: number;
}

export type GenericEventPayload = BaseEventPayload;

/** Payload type per event type, so listeners are typed by the event they take. */
export interface EventPayloadMap {
  [EHREventType.EHR_GENERIC]: GenericEventPayload;
  [EHREventType.FHIR_READ]: FhirEventPayload;
  [EHREventType.FHIR_SEARCH]: FhirEventPayload;
  [EHREventType.FHIR_UPDATE]: FhirEventPayload;
  [EHREventType.FHIR_DELETE]: FhirEventPayload;
  [EHREventType.FHIR_CREATE]: FhirEventPayload;
  [EHREventType.CDS_PATIENT_VIEW]: CdsEventPayload;
  [EHREventType.CDS_ENCOUNTER_DISCHARGE]: CdsEventPayload;
  [EHREventType.CDS_ORDER_SIGN]: CdsEventPayload;
  [EHREventType.CDS_ORDER_SELECT]: CdsEventPayload;
  [EHREventType.NOTEREADER_SIGN_NOTE]: NoteReaderEventPayload;
  [EHREventType.NOTEREADER_PROCESS_NOTE]: NoteReaderEventPayload;
}

export type EventPayload<T extends EHREventType> = EventPayloadMap[T];

/**
 * One operation that happened. Plain data: `JSON.stringify` gives its wire form,
 * with the timestamp already an ISO 8601 UTC string.
 */
export interface EHREvent<T extends EHREventType = EHREventType> {
  /** Unique and time-sortable (UUIDv7). */
  id: string;
  eventType: T;
  /** The system the operation ran against (a FHIR source name, a CDS service id, ...). */
  sourceSystem: string;
  /** ISO 8601, UTC. */
  timestamp: string;
  /** The request id of the inbound request the operation belongs to. */
  correlationId?: string;
  payload: EventPayload<T>;
  metadata: Record<string, unknown>;
}

/** Random bytes for event ids, drawn in bulk: one `randomFillSync` per 256 ids instead of one per id. */
const randomPool = Buffer.alloc(16 * 256);
let randomOffset = randomPool.length;

/** A UUIDv7: unique, and sortable by creation time. */
export function newEventId(): string {
  if (randomOffset === randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const random = randomPool.subarray(randomOffset, (randomOffset += 16));
  return uuidv7({ random });
}

export function familyOf(eventType: EHREventType): EventFamily {
  return eventType.slice(0, eventType.indexOf('.')) as EventFamily;
}

export const EHR_EVENT_TYPES: readonly EHREventType[] = Object.values(EHREventType);
