import { CdaDocument } from '@ehr-gateway/cda';
import { CdsResponse, responseProblems } from '@ehr-gateway/cds';
import type { CdsClientSigner } from './cds-client-signer';
import { GatewayTarget, gatewayFetch } from './gateway-client';
import type { SandboxRequest } from './sandbox-requests';

export interface SandboxResult {
  label: string;
  endpoint: string;
  status: number;
  ms: number;
  /** Why the answer breaks its protocol (a non-spec CDS response, a SOAP fault, a 5xx); undefined when it is fine. */
  problem?: string;
  cards?: Array<{ indicator: string; summary: string; suggestions: string[] }>;
  /** NoteReader: problems added to the note. */
  conditionsAdded?: string[];
  requestBody: string;
  responseBody: string;
  expectedEvents: number;
}

function cdsOutcome(status: number, text: string): Pick<SandboxResult, 'problem' | 'cards'> {
  if (status !== 200) return { problem: `HTTP ${status}: ${text.slice(0, 200)}` };
  let body: CdsResponse;
  try {
    body = JSON.parse(text) as CdsResponse;
  } catch {
    return { problem: 'the CDS response is not JSON' };
  }
  const problems = responseProblems(body);
  if (problems.length > 0) return { problem: `not a CDS Hooks response: ${problems.join('; ')}` };
  return {
    cards: body.cards.map((card) => ({
      indicator: card.indicator,
      summary: card.summary,
      suggestions: (card.suggestions ?? []).map((suggestion) => suggestion.label),
    })),
  };
}

function fhirOutcome(status: number, text: string): Pick<SandboxResult, 'problem'> {
  if (status !== 200) return { problem: `HTTP ${status}` };
  try {
    return typeof (JSON.parse(text) as { resourceType?: unknown }).resourceType === 'string'
      ? {}
      : { problem: 'not a FHIR resource' };
  } catch {
    return { problem: 'the FHIR response is not JSON' };
  }
}

function noteOutcome(status: number, text: string, sent: string): Pick<SandboxResult, 'problem' | 'conditionsAdded'> {
  const fault = text.match(/<faultstring>([^<]*)<\/faultstring>/);
  if (fault) return { problem: `SOAP fault: ${fault[1]}` };
  if (status !== 200) return { problem: `HTTP ${status}` };
  const encoded = text.match(/<Document>([^<]*)<\/Document>/)?.[1];
  if (!encoded) return { problem: 'the response has no Document' };
  try {
    const before = new Set(
      CdaDocument.parse(sent)
        .toFhir()
        .conditions.map((c) => c.code?.coding?.[0]?.code),
    );
    const after = CdaDocument.parse(Buffer.from(encoded, 'base64').toString('utf8')).toFhir().conditions;
    return {
      conditionsAdded: after
        .filter((c) => !before.has(c.code?.coding?.[0]?.code))
        .map((c) => c.code?.text ?? c.code?.coding?.[0]?.display ?? '?'),
    };
  } catch (error) {
    return { problem: `the returned Document is not CDA: ${(error as Error).message}` };
  }
}

/** Sends one request as the EHR would and judges the answer by its protocol. */
export async function send(
  gateway: GatewayTarget,
  request: SandboxRequest,
  signer?: CdsClientSigner,
  sentDocument?: string,
): Promise<SandboxResult> {
  const url = `${gateway.url}${request.path}`;
  const headers: Record<string, string> = {
    ...(request.contentType ? { 'content-type': request.contentType } : {}),
    ...request.headers,
  };
  if (signer && request.protocol === 'cds') headers.authorization = `Bearer ${await signer.sign(url)}`;
  const base = {
    label: request.label,
    endpoint: request.endpoint,
    requestBody: request.body ?? '',
    expectedEvents: request.expectedEvents,
  };
  const started = performance.now();
  let status: number;
  let text: string;
  try {
    const response = await gatewayFetch(gateway, request.path, {
      method: request.method ?? 'POST',
      headers,
      body: request.body,
      signal: AbortSignal.timeout(30_000),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return {
      ...base,
      status: 0,
      ms: performance.now() - started,
      problem: `no answer: ${(error as Error).message}`,
      responseBody: '',
    };
  }
  const ms = performance.now() - started;
  const outcome =
    request.protocol === 'cds'
      ? cdsOutcome(status, text)
      : request.protocol === 'fhir'
        ? fhirOutcome(status, text)
        : noteOutcome(status, text, sentDocument ?? '');
  return { ...base, status, ms, ...outcome, responseBody: text };
}
