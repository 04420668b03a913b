import type { OpenAPIObject, OperationObject, SchemaObject } from '@nestjs/swagger';
import { entryOperation } from '@ehr-gateway/fhir';
import type { CdsServiceDefinition } from '../interfaces/cds.interfaces';

export const CDS_TAG = 'CDS Hooks';

const PATIENT_ID = 'example';
const ERROR_REF = { $ref: '#/components/schemas/CdsError' };

/** The context of each hook (CDS Hooks 2.0 hook definitions), for the examples. */
const HOOK_CONTEXTS: Record<string, Record<string, unknown>> = {
  'patient-view': { userId: 'Practitioner/example', patientId: PATIENT_ID },
  'encounter-start': { userId: 'Practitioner/example', patientId: PATIENT_ID, encounterId: 'enc-1' },
  'encounter-discharge': { userId: 'Practitioner/example', patientId: PATIENT_ID, encounterId: 'enc-1' },
  'order-select': {
    userId: 'Practitioner/example',
    patientId: PATIENT_ID,
    selections: ['MedicationRequest/draft-1'],
    draftOrders: draftOrders(),
  },
  'order-sign': { userId: 'Practitioner/example', patientId: PATIENT_ID, draftOrders: draftOrders() },
};

function draftOrders(): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'MedicationRequest',
          id: 'draft-1',
          status: 'draft',
          intent: 'order',
          subject: { reference: `Patient/${PATIENT_ID}` },
          medicationCodeableConcept: {
            coding: [
              {
                system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
                code: '308182',
                display: 'Amoxicillin 250 MG Oral Capsule',
              },
            ],
          },
        },
      },
    ],
  };
}

/**
 * Prefetch for a template, so that the example needs no FHIR server: a
 * `Type/{{...}}` read answers a resource, a search an empty searchset.
 */
function prefetchFor(template: string): Record<string, unknown> {
  const { interaction, resourceType } = entryOperation('GET', template.replace(/\{\{[^}]*\}\}/g, 'example')) ?? {};
  if (interaction === 'read') {
    return resourceType === 'Patient'
      ? {
          resourceType,
          id: PATIENT_ID,
          name: [{ family: 'Chalmers', given: ['Peter'] }],
          gender: 'male',
          birthDate: '1974-12-25',
        }
      : { resourceType, id: 'example' };
  }
  return { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] };
}

function requestExample(service: CdsServiceDefinition): Record<string, unknown> {
  return {
    hook: service.hook,
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    context: HOOK_CONTEXTS[service.hook] ?? { userId: 'Practitioner/example', patientId: PATIENT_ID },
    ...(service.prefetch
      ? {
          prefetch: Object.fromEntries(
            Object.entries(service.prefetch).map(([key, template]) => [key, prefetchFor(template)]),
          ),
        }
      : {}),
  };
}

const ERRORS: Record<string, string> = {
  '400': 'Invalid request: `details` names each problem',
  '401': 'JWT verification is on and the token is missing or invalid (no body, as the specification wants)',
  '404': 'No CDS service with this id',
  '412': 'Prefetch data is missing and could not be fetched',
  '500': 'The CDS service failed',
};

function errorResponses(codes: string[]): OperationObject['responses'] {
  return Object.fromEntries(
    codes.map((status) => [
      status,
      status === '401'
        ? { description: ERRORS[status] }
        : {
            description: ERRORS[status],
            content: {
              'application/json': {
                schema: ERROR_REF,
                example: {
                  error: 'Bad Request',
                  message: 'Invalid CDS request',
                  details: ['context.patientId must be a FHIR id'],
                },
              },
            },
          },
    ]),
  );
}

const SCHEMAS: Record<string, SchemaObject> = {
  CdsRequest: {
    type: 'object',
    description: 'A CDS Hooks 2.0 request (https://cds-hooks.org/specification/current/#http-request-1)',
    required: ['hook', 'hookInstance', 'context'],
    properties: {
      hook: { type: 'string', description: "The hook that triggered the call; must be the service's hook" },
      hookInstance: { type: 'string', format: 'uuid' },
      fhirServer: { type: 'string', format: 'uri', description: 'FHIR base the service may call for missing prefetch' },
      fhirAuthorization: {
        type: 'object',
        required: ['access_token', 'token_type', 'expires_in', 'scope', 'subject'],
        properties: {
          access_token: { type: 'string' },
          token_type: { type: 'string', enum: ['Bearer'] },
          expires_in: { type: 'integer', minimum: 0 },
          scope: { type: 'string' },
          subject: { type: 'string' },
          patient: { type: 'string' },
        },
      },
      context: {
        type: 'object',
        description: "The hook's context (userId, patientId, ...)",
        additionalProperties: true,
      },
      prefetch: { type: 'object', description: 'Prefetched FHIR data by prefetch key', additionalProperties: true },
    },
  },
  CdsResponse: {
    type: 'object',
    required: ['cards'],
    properties: {
      cards: { type: 'array', items: { type: 'object' } },
      systemActions: { type: 'array', items: { type: 'object' } },
    },
  },
  CdsFeedback: {
    type: 'object',
    required: ['feedback'],
    properties: {
      feedback: {
        type: 'array',
        items: {
          type: 'object',
          required: ['card', 'outcome', 'outcomeTimestamp'],
          properties: {
            card: { type: 'string', description: "The card's uuid" },
            outcome: { type: 'string', enum: ['accepted', 'overridden'] },
            acceptedSuggestions: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
            overrideReason: { type: 'object' },
            outcomeTimestamp: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
  CdsError: {
    type: 'object',
    required: ['error', 'message', 'details'],
    properties: {
      error: { type: 'string' },
      message: { type: 'string' },
      details: { type: 'array', items: { type: 'string' } },
    },
  },
};

/**
 * The OpenAPI paths of the CDS Hooks routes under `/{basePath}`: discovery,
 * invoke (the request schema and a runnable example for each service) and feedback.
 */
export function cdsOpenApi(
  basePath: string,
  services: CdsServiceDefinition[],
): Pick<OpenAPIObject, 'paths' | 'components'> {
  const idParameter = {
    name: 'id',
    in: 'path' as const,
    required: true,
    description: 'The CDS service id (see discovery)',
    schema: { type: 'string', enum: services.map((service) => service.id) },
  };
  return {
    paths: {
      [`/${basePath}`]: {
        get: {
          tags: [CDS_TAG],
          summary: 'Discovery: the CDS services and their hooks and prefetch templates',
          operationId: 'cds_discovery',
          responses: {
            '200': {
              description: 'The services',
              content: { 'application/json': { example: { services } } },
            },
            ...errorResponses(['401']),
          },
        },
      },
      [`/${basePath}/{id}`]: {
        post: {
          tags: [CDS_TAG],
          summary: 'Invoke a CDS service',
          description:
            'Pick a service id and the example of the same name: the examples carry their prefetch, so they run without a FHIR server.',
          operationId: 'cds_invoke',
          parameters: [idParameter],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/CdsRequest' },
                examples: Object.fromEntries(
                  services.map((service) => [
                    service.id,
                    { summary: `${service.hook}: ${service.title ?? service.id}`, value: requestExample(service) },
                  ]),
                ),
              },
            },
          },
          responses: {
            '200': {
              description: 'Cards',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/CdsResponse' } } },
            },
            ...errorResponses(['400', '401', '404', '412', '500']),
          },
        },
      },
      [`/${basePath}/{id}/feedback`]: {
        post: {
          tags: [CDS_TAG],
          summary: 'Feedback on the cards a service returned',
          operationId: 'cds_feedback',
          parameters: [idParameter],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/CdsFeedback' },
                example: {
                  feedback: [
                    {
                      card: 'f0f3e6a2-4b43-4a86-9f8c-3c8b1b8a7b10',
                      outcome: 'accepted',
                      outcomeTimestamp: '2026-01-01T12:00:00Z',
                    },
                  ],
                },
              },
            },
          },
          responses: {
            '200': { description: 'Stored', content: { 'application/json': { example: { stored: 1 } } } },
            ...errorResponses(['400', '401', '404']),
          },
        },
      },
    },
    components: { schemas: SCHEMAS },
  };
}
