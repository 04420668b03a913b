import type { OpenAPIObject, OperationObject, SchemaObject } from '@nestjs/swagger';
import { entryOperation } from '@ehr-gateway/fhir';
import { CONTEXT_DTO, CdsRequestDto, FeedbackDto } from '../dto/cds-request.dto';
import { CdsErrorDto } from '../dto/cds-error.dto';
import { SCHEMA_REF, cdsDtoSchemas, schemasReachableFrom } from '../dto/compiled-schemas';
import { CDS_RESPONSE_SCHEMAS } from './response-validation';
import type { CdsServiceDefinition } from '../interfaces/cds.interfaces';

export const CDS_TAG = 'CDS Hooks';

const PATIENT_ID = 'example';

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
                schema: { $ref: `${SCHEMA_REF}CdsError` },
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

/**
 * The request shapes as the validator checks them: the DTOs' JSON Schemas
 * (`cdsDtoSchemas`, the same generation the compiled validator uses), the
 * request and feedback bodies, each hook's context, the error body the
 * exception filters build (`errorBody`), and what they reference.
 */
function requestSchemas(): Record<string, SchemaObject> {
  const schemas = schemasReachableFrom(cdsDtoSchemas(SCHEMA_REF), [
    CdsRequestDto.name,
    FeedbackDto.name,
    CdsErrorDto.name,
    ...Object.values(CONTEXT_DTO).map((dto) => dto.name),
  ]) as Record<string, SchemaObject>;
  // The error body keeps its documented name.
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name === CdsErrorDto.name ? 'CdsError' : name, schema]),
  );
}

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
                schema: { $ref: `${SCHEMA_REF}${CdsRequestDto.name}` },
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
              content: { 'application/json': { schema: { $ref: `${SCHEMA_REF}CdsResponse` } } },
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
                schema: { $ref: `${SCHEMA_REF}${FeedbackDto.name}` },
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
    components: { schemas: { ...requestSchemas(), ...(CDS_RESPONSE_SCHEMAS as Record<string, SchemaObject>) } },
  };
}
