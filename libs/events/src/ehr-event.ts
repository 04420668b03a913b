import { randomFillSync } from 'node:crypto';

/** Every operation the gateway performs, by name. The values are the event names. */
export enum EHREventType {
  /** CDS feedback, and calls of CDS hooks without an event type of their own. */
  EHR_GENERIC = 'ehr.generic',
  /** FHIR read, vread, history. */
  FHIR_READ = 'fhir.read',
  /** FHIR search. */
  FHIR_SEARCH = 'fhir.search',
  /** FHIR update, patch. */
  FHIR_UPDATE = 'fhir.update',
  /** FHIR delete. */
  FHIR_DELETE = 'fhir.delete',
  /** FHIR create. */
  FHIR_CREATE = 'fhir.create',
  /** CDS Hooks `patient-view`. */
  CDS_PATIENT_VIEW = 'cds.patient.view',
  /** CDS Hooks `encounter-discharge`. */
  CDS_ENCOUNTER_DISCHARGE = 'cds.encounter.discharge',
  /** CDS Hooks `order-sign`. */
  CDS_ORDER_SIGN = 'cds.order.sign',
  /** CDS Hooks `order-select`. */
  CDS_ORDER_SELECT = 'cds.order.select',
  /** NoteReader: a signed note received and parsed. */
  NOTEREADER_SIGN_NOTE = 'notereader.sign.note',
  /** NoteReader: a ProcessDocument call finished, fault or not. */
  NOTEREADER_PROCESS_NOTE = 'notereader.process.note',
}

export type EventFamily = 'ehr' | 'fhir' | 'cds' | 'notereader';

export type OperationOutcomeKind = 'success' | 'failure';

/** Fields every payload carries. */
export interface BaseEventPayload {
  /** The precise interaction (`read`, `vread`, `history`, `invoke`, `ProcessDocument`, ...). */
  operation: string;
  /** The system the operation ran against: a FHIR source name, a CDS service id, `notereader`. */
  source: string;
  /** `success` or `failure`. */
  outcome: OperationOutcomeKind;
  /** The protocol status of the operation (HTTP status for HTTP-shaped protocols). */
  status: number;
  /** Why a failed operation failed; never carries secrets or submitted values. */
  error?: string;
  /** How long the operation took, in milliseconds (operations emitted at an inbound boundary). */
  durationMs?: number;
}

/** What a FHIR operation adds to the base fields. */
export interface FhirEventDetails {
  /** The resource type the operation addressed. */
  resourceType?: string;
  /** The id of the resource read or written. */
  resourceId?: string;
  /** A search restricted to one patient's compartment (`Patient/{id}/{type}`, `Patient/{id}/*`): `Patient/{id}`. */
  compartment?: string;
  /** The version read or written. */
  versionId?: string;
  /** The number of matches of a search. */
  resultCount?: number;
  /** The resource read or written, only when the FHIR module is configured to include it. */
  resource?: unknown;
}

/** What a CDS Hooks call adds to the base fields: ids and counts, never prefetch data or tokens. */
export interface CdsEventDetails {
  /** The CDS service called. */
  serviceId: string;
  /** The hook the service answers (`patient-view`, ...). */
  hook: string;
  /** The `hookInstance` of the request. */
  hookInstance?: string;
  /** `context.patientId` of the request. */
  patientId?: string;
  /** `context.encounterId` of the request. */
  encounterId?: string;
  /** `context.userId` of the request. */
  userId?: string;
  /** The number of cards answered. */
  cardCount?: number;
  /** The prefetch keys the gateway fetched because the client did not send them. */
  prefetchFetched?: string[];
}

/** What a NoteReader call adds to the base fields: ids and counts, never note text. */
export interface NoteReaderEventDetails {
  /** `SessionID` of the SOAP call. */
  sessionId?: string;
  /** `WorkType` of the SOAP call. */
  workType?: string;
  /** `OrganizationID` of the SOAP call. */
  organizationId?: string;
  /** The CDA document's id. */
  documentId?: string;
  /** The CDA document's type code (LOINC). */
  documentType?: string;
  /** The section codes (or titles) found in the document. */
  sections?: string[];
  /** The entries the handler added to the document, counted per resource type. */
  resourcesAdded?: Record<string, number>;
}

export interface FhirEventPayload extends BaseEventPayload, FhirEventDetails {}
export interface CdsEventPayload extends BaseEventPayload, CdsEventDetails {}
export interface NoteReaderEventPayload extends BaseEventPayload, NoteReaderEventDetails {}
/** `ehr.generic`: CDS feedback, and calls of CDS hooks that have no event type of their own. */
export interface GenericEventPayload extends BaseEventPayload, Partial<CdsEventDetails> {}

/** Payload type per event type: the only shapes producers can build and listeners receive. */
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

/** The fields a producer supplies for an event type: its payload without the base fields, which the gateway fills. */
export type EventDetails<T extends EHREventType> = T extends EHREventType
  ? Omit<EventPayloadMap[T], keyof BaseEventPayload>
  : never;

/** The event types of each family. */
export type FhirEventType =
  | EHREventType.FHIR_READ
  | EHREventType.FHIR_SEARCH
  | EHREventType.FHIR_UPDATE
  | EHREventType.FHIR_DELETE
  | EHREventType.FHIR_CREATE;
export type CdsEventType =
  | EHREventType.CDS_PATIENT_VIEW
  | EHREventType.CDS_ENCOUNTER_DISCHARGE
  | EHREventType.CDS_ORDER_SIGN
  | EHREventType.CDS_ORDER_SELECT;
export type NoteReaderEventType = EHREventType.NOTEREADER_SIGN_NOTE | EHREventType.NOTEREADER_PROCESS_NOTE;

/** The event of one type. */
export interface EHREventOf<T extends EHREventType> {
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
  /** What a replaced event creator adds (compliance flags, caller details); empty by default. */
  metadata: Record<string, unknown>;
}

/**
 * One operation that happened. Plain data: `JSON.stringify` gives its wire form,
 * with the timestamp already an ISO 8601 UTC string. Without a type argument, a
 * union discriminated by `eventType`: checking the type narrows the payload.
 */
export type EHREvent<T extends EHREventType = EHREventType> = T extends EHREventType ? EHREventOf<T> : never;

/** Random hex for event ids, drawn in bulk: one `randomFillSync` and one hex conversion per 256 ids. */
const RANDOM_BYTES_PER_ID = 8;
const randomPool = Buffer.alloc(RANDOM_BYTES_PER_ID * 256);
let randomHex = '';
let randomOffset = 0;
/** The 12-bit counter of the current millisecond, as three hex digits. */
const COUNTER_HEX = Array.from({ length: 0x1000 }, (_, i) => i.toString(16).padStart(3, '0'));
/** RFC 9562 variant `10`: the first hex digit of the last two groups is 8, 9, a or b. */
const VARIANT_HEX = '89ab89ab89ab89ab';

let idMillis = -1;
let idCounter = 0;
let idTimeHex = '';

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter
 * that starts at a random value each millisecond (so ids made in one process
 * sort in creation order, as the `uuid` package's), then 62 random bits.
 * `now` is the creation time (default `Date.now()`); a clock that goes back
 * does not make ids go back.
 */
export function newEventId(now = Date.now()): string {
  if (now > idMillis) {
    idMillis = now;
    idCounter = parseInt(randomHex16().slice(0, 3), 16) & 0x7ff;
    idTimeHex = timeGroups(idMillis);
  } else if (++idCounter > 0xfff) {
    idMillis++;
    idCounter = 0;
    idTimeHex = timeGroups(idMillis);
  }
  const random = randomHex16();
  return `${idTimeHex}${COUNTER_HEX[idCounter]}-${VARIANT_HEX[parseInt(random[0], 16)]}${random.slice(1, 4)}-${random.slice(4)}`;
}

/** The first groups of a UUIDv7 of that millisecond, up to its version digit: `tttttttt-tttt-7`. */
function timeGroups(millis: number): string {
  const hex = millis.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
}

/** 16 random hex digits (64 bits). */
function randomHex16(): string {
  if (randomOffset === randomHex.length) {
    randomHex = randomFillSync(randomPool).toString('hex');
    randomOffset = 0;
  }
  return randomHex.slice(randomOffset, (randomOffset += 2 * RANDOM_BYTES_PER_ID));
}

/** `${milliseconds}Z` for 0-999, the end of every timestamp. */
const MILLIS_Z = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}Z`);
let secondStart = Number.NaN;
let secondPrefix = '';

/** `new Date(millis).toISOString()`, with the date formatted once per second rather than once per call. */
export function isoTimestamp(millis: number): string {
  const offset = millis - secondStart;
  if (offset >= 0 && offset < 1000) return secondPrefix + MILLIS_Z[offset];
  secondStart = millis - (((millis % 1000) + 1000) % 1000);
  secondPrefix = new Date(secondStart).toISOString().slice(0, 20);
  return secondPrefix + MILLIS_Z[millis - secondStart];
}

export const EHR_EVENT_TYPES: readonly EHREventType[] = Object.values(EHREventType);

const FAMILY_OF = new Map(EHR_EVENT_TYPES.map((type) => [type, type.slice(0, type.indexOf('.')) as EventFamily]));

export function familyOf(eventType: EHREventType): EventFamily {
  return FAMILY_OF.get(eventType) ?? (eventType.slice(0, eventType.indexOf('.')) as EventFamily);
}

/** The event types of each family. */
export interface EventTypesOfFamily {
  ehr: EHREventType.EHR_GENERIC;
  fhir: FhirEventType;
  cds: CdsEventType;
  notereader: NoteReaderEventType;
}

/** Whether an event belongs to a family; narrows its payload (`isEventOfFamily(event, 'fhir')` gives `resourceType`). */
export function isEventOfFamily<F extends EventFamily>(
  event: EHREvent,
  family: F,
): event is EHREvent<EventTypesOfFamily[F]> {
  return familyOf(event.eventType) === family;
}
