import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCdaDocument } from '@ehr-gateway/cda';
import { matchFhirRoute } from '@ehr-gateway/fhir';
import type { Bundle, MedicationRequest, Resource } from '@medplum/fhirtypes';
import type { PrefetchMode } from './sandbox-options';
import { EhrPatient, displayName } from './synthetic-ehr';
import { GatewayTarget, gatewayFetch } from './gateway-client';

export type Protocol = 'fhir' | 'cds' | 'notereader';

/** One call the simulated EHR makes. */
export interface SandboxRequest {
  protocol: Protocol;
  /** The endpoint, for per-endpoint statistics (`POST /cds-services/allergy-check`). */
  endpoint: string;
  path: string;
  label: string;
  /** POST unless said otherwise. */
  method?: 'GET' | 'POST';
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** The events the gateway should emit for this call (a CDS call also emits one per prefetch key it fetches). */
  expectedEvents: number;
}

export interface DiscoveredService {
  id: string;
  hook: string;
  prefetch?: Record<string, string>;
}

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const USER = 'Practitioner/sandbox-clinician';

function draftOrder(ehr: EhrPatient, id: string, code: string, text: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${ehr.patient.id}` },
    medicationCodeableConcept: { coding: [{ system: RXNORM, code, display: text }], text },
    dosageInstruction: [{ text: 'one capsule three times daily' }],
  };
}

/** Draft orders for a patient: an amoxicillin order (a conflict for penicillin-allergic patients) and a lisinopril order. */
export function draftOrders(ehr: EhrPatient): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: draftOrder(ehr, `draft-amoxicillin-${ehr.patient.id}`, '308182', 'amoxicillin 250 MG Oral Capsule') },
      { resource: draftOrder(ehr, `draft-lisinopril-${ehr.patient.id}`, '314076', 'lisinopril 10 MG Oral Tablet') },
    ],
  };
}

function context(hook: string, ehr: EhrPatient): Record<string, unknown> {
  const base = { userId: USER, patientId: ehr.patient.id };
  switch (hook) {
    case 'order-sign':
      return { ...base, draftOrders: draftOrders(ehr) };
    case 'order-select': {
      const orders = draftOrders(ehr);
      return { ...base, draftOrders: orders, selections: [`MedicationRequest/${orders.entry![0].resource!.id}`] };
    }
    case 'encounter-discharge':
      return { ...base, encounterId: ehr.encounters[0]?.id ?? 'unknown' };
    default:
      return base;
  }
}

/** Renders a prefetch template the way an EHR would, for the keys it chooses to send. */
function render(template: string, ctx: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, token: string) => {
    const value = token.startsWith('context.') ? ctx[token.slice('context.'.length)] : undefined;
    if (typeof value === 'string') return encodeURIComponent(value);
    if (token === 'userPractitionerId') return USER.split('/')[1];
    return '';
  });
}

/** The prefetch an EHR sends: every key (`full`), the first one (`partial`) or none; the gateway fetches the rest. */
async function prefetchFor(
  service: DiscoveredService,
  ctx: Record<string, unknown>,
  mode: PrefetchMode,
  gateway: GatewayTarget,
) {
  const keys = Object.entries(service.prefetch ?? {});
  const chosen = mode === 'full' ? keys : mode === 'partial' ? keys.slice(0, 1) : [];
  const prefetch: Record<string, Resource | null> = {};
  for (const [key, template] of chosen) {
    const response = await gatewayFetch(gateway, `/fhir/local/${render(template, ctx)}`, {
      headers: { accept: 'application/fhir+json' },
    });
    prefetch[key] = response.ok ? ((await response.json()) as Resource) : null;
  }
  return chosen.length > 0 ? prefetch : undefined;
}

export async function cdsRequest(
  service: DiscoveredService,
  ehr: EhrPatient,
  mode: PrefetchMode,
  gateway: GatewayTarget,
): Promise<SandboxRequest> {
  const ctx = context(service.hook, ehr);
  const prefetch = await prefetchFor(service, ctx, mode, gateway);
  const body = { hook: service.hook, hookInstance: randomUUID(), context: ctx, ...(prefetch ? { prefetch } : {}) };
  const fetchedByGateway = Object.keys(service.prefetch ?? {}).length - Object.keys(prefetch ?? {}).length;
  return {
    expectedEvents: 1 + fetchedByGateway,
    protocol: 'cds',
    endpoint: `POST /cds-services/${service.id}`,
    path: `/cds-services/${service.id}`,
    label: `${service.hook} ${displayName(ehr.patient)}`,
    body: JSON.stringify(body),
    contentType: 'application/json',
  };
}

/** A signed progress note for a patient: problems the note mentions, one of them negated, plus the known problem list. */
export function generatedNote(ehr: EhrPatient): string {
  const known = ehr.conditions
    .map((condition) => condition.code?.text ?? condition.code?.coding?.[0]?.display)
    .filter(Boolean);
  const text =
    `${displayName(ehr.patient)} presents with chest pain on exertion and a productive cough for three days. Denies fever.\n` +
    `Known problems: ${known.join(', ') || 'none recorded'}.\n` +
    'Assessment: suspected pneumonia. Plan: chest X-ray, review in 48 hours.';
  return createCdaDocument({
    patient: ehr.patient,
    notes: [{ loinc: '51847-2', title: 'Assessment and plan', text }],
    entries: ehr.conditions.map((condition) => ({ ...condition, id: undefined })),
  }).serialize();
}

export function noteReaderRequest(document: string, label: string, sessionId: string): SandboxRequest {
  const envelope =
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
    '<ProcessDocument xmlns="urn:epic-com:Common.2013.Services">' +
    `<SessionID>${sessionId}</SessionID><WorkType>1</WorkType><OrganizationID>SANDBOX</OrganizationID>` +
    `<Document>${Buffer.from(document).toString('base64')}</Document>` +
    '</ProcessDocument></soap:Body></soap:Envelope>';
  return {
    expectedEvents: 2, // notereader.sign.note and notereader.process.note
    protocol: 'notereader',
    endpoint: 'POST /notereader',
    path: '/notereader',
    label,
    body: envelope,
    contentType: 'text/xml; charset=utf-8',
    headers: { soapaction: '"ProcessDocument"' },
  };
}

export const cdaFromFile = (path: string) => readFileSync(path, 'utf8');

/** A FHIR read or search through the gateway's REST surface; the endpoint is its route (the table's template). */
export function fhirRequest(path: string, label: string): SandboxRequest {
  const { route, resourceType = '{type}', query } = matchFhirRoute('GET', path);
  const endpoint = `GET /fhir/local/${route.path.replace('{type}', resourceType)}${query ? '?...' : ''}`;
  return { protocol: 'fhir', method: 'GET', endpoint, path: `/fhir/local/${path}`, label, expectedEvents: 1 };
}
