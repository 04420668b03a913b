import type { OpenAPIObject, OperationObject, ParameterObject, PathItemObject } from '@nestjs/swagger';
import { FHIR_JSON } from '../constants';
import { operationOutcome } from '../errors/operation-outcome';
import {
  FHIR_ID_PATTERN,
  FHIR_ROUTES,
  type FhirRoute,
  type FhirRouteBody,
  type FhirRouteHeader,
} from '../routes/fhir-routes';

export const FHIR_TAG = 'FHIR';

const PATIENT = {
  resourceType: 'Patient',
  id: 'example',
  name: [{ family: 'Chalmers', given: ['Peter', 'James'] }],
  gender: 'male',
  birthDate: '1974-12-25',
};

const OUTCOME_REF = { $ref: '#/components/schemas/OperationOutcome' };

const PATH_PARAMETERS: Record<string, ParameterObject> = {
  '{source}': {
    name: 'source',
    in: 'path',
    required: true,
    description: 'A configured source: `local` (the embedded store) or a name from `FHIR_SOURCES`',
    schema: { type: 'string', example: 'local' },
  },
  '{type}': {
    name: 'type',
    in: 'path',
    required: true,
    description: 'A FHIR R4 resource type',
    schema: { type: 'string', example: 'Patient' },
  },
  '{id}': {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Logical id',
    schema: { type: 'string', pattern: FHIR_ID_PATTERN.source, example: 'example' },
  },
  '{vid}': {
    name: 'vid',
    in: 'path',
    required: true,
    description: 'Version id',
    schema: { type: 'string', pattern: FHIR_ID_PATTERN.source, example: '1' },
  },
};

const HEADER_PARAMETERS: Record<FhirRouteHeader, ParameterObject> = {
  'if-match': {
    name: 'If-Match',
    in: 'header',
    description: 'Version-aware update: the ETag of the version being replaced (`W/"3"`); 412 when it is not current',
    schema: { type: 'string', example: 'W/"1"' },
  },
  'if-none-match': {
    name: 'If-None-Match',
    in: 'header',
    description: 'The ETag the client holds; 304 when it is still current',
    schema: { type: 'string' },
  },
  'if-none-exist': {
    name: 'If-None-Exist',
    in: 'header',
    description: 'Conditional create: a search query; nothing is created when it matches',
    schema: { type: 'string', example: 'identifier=http://hospital.example.org/mrn|12345' },
  },
  prefer: {
    name: 'Prefer',
    in: 'header',
    description: '`return=minimal`, `return=representation` or `return=OperationOutcome`',
    schema: { type: 'string', enum: ['return=minimal', 'return=representation', 'return=OperationOutcome'] },
  },
};

const SEARCH_PARAMETERS: ParameterObject[] = [
  { name: '_count', in: 'query', description: 'Page size', schema: { type: 'integer', minimum: 0 } },
  { name: '_sort', in: 'query', description: 'Sort order, e.g. `-date`', schema: { type: 'string' } },
  {
    name: 'search',
    in: 'query',
    description: 'Any search parameter of the type (R4 §3.1.1), e.g. `family=chalmers&birthdate=ge1970`',
    style: 'form',
    explode: true,
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  },
];

/** `_type` of a search over every type of a compartment (`Patient/{id}/*`). */
const TYPE_PARAMETER: ParameterObject = {
  name: '_type',
  in: 'query',
  description:
    'The resource types to search, comma-separated (default: every type of the compartment); with a SMART token, ' +
    'only the types its scopes let it search',
  schema: { type: 'string', example: 'Observation,Condition' },
};

const FORMAT_PARAMETER: ParameterObject = {
  name: '_format',
  in: 'query',
  description: 'Overrides `Accept`: `json`, `application/json` or `application/fhir+json`',
  schema: { type: 'string' },
};

const BODIES: Record<FhirRouteBody, OperationObject['requestBody']> = {
  resource: {
    required: true,
    content: { [FHIR_JSON]: { schema: { $ref: '#/components/schemas/Resource' }, example: PATIENT } },
  },
  'json-patch': {
    required: true,
    content: {
      'application/json-patch+json': {
        schema: { type: 'array', items: { type: 'object' } },
        example: [{ op: 'replace', path: '/birthDate', value: '1974-12-26' }],
      },
    },
  },
  'search-form': {
    required: false,
    content: {
      'application/x-www-form-urlencoded': {
        schema: { type: 'object', additionalProperties: { type: 'string' } },
        example: { family: 'Chalmers' },
      },
    },
  },
  bundle: {
    required: true,
    content: {
      [FHIR_JSON]: {
        schema: { $ref: '#/components/schemas/Bundle' },
        example: {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a',
              resource: PATIENT,
              request: { method: 'POST', url: 'Patient' },
            },
          ],
        },
      },
    },
  },
};

const SUCCESS: Record<FhirRoute['interaction'], { status: string; description: string; example?: unknown }> = {
  capabilities: { status: '200', description: 'CapabilityStatement' },
  transaction: { status: '200', description: 'transaction-response or batch-response Bundle' },
  batch: { status: '200', description: 'batch-response Bundle' },
  search: {
    status: '200',
    description: 'searchset Bundle',
    example: { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: PATIENT }] },
  },
  history: { status: '200', description: 'history Bundle' },
  create: { status: '201', description: 'Created; `Location` names the new version', example: PATIENT },
  read: { status: '200', description: 'The resource; `ETag` holds its version', example: PATIENT },
  vread: { status: '200', description: 'That version of the resource', example: PATIENT },
  update: { status: '200', description: 'Updated (201 when created)', example: PATIENT },
  patch: { status: '200', description: 'Patched', example: PATIENT },
  delete: { status: '204', description: 'Deleted' },
};

const ERRORS: Record<string, string> = {
  '400': 'Invalid request (path, parameter or body); the OperationOutcome names the problem',
  '404': 'Unknown source, resource type or resource',
  '405': 'Method not supported on this path',
  '406': 'The client does not accept FHIR JSON',
  '412': 'If-Match did not name the current version',
  '415': 'The body is not FHIR JSON',
  '502': 'The upstream source failed or answered something that is not FHIR',
};

function errorResponses(): OperationObject['responses'] {
  return Object.fromEntries(
    Object.entries(ERRORS).map(([status, description]) => [
      status,
      {
        description,
        content: { [FHIR_JSON]: { schema: OUTCOME_REF, example: operationOutcome('invalid', description) } },
      },
    ]),
  );
}

function operationOf(route: FhirRoute, mount: string): OperationObject {
  const template = `${mount}/{source}${route.path ? `/${route.path}` : ''}`;
  const success = SUCCESS[route.interaction];
  const pathParameters = template.match(/\{[a-z]+\}/g)!.map((placeholder) => PATH_PARAMETERS[placeholder]);
  return {
    tags: [FHIR_TAG],
    summary: route.summary,
    description: `FHIR \`${route.interaction}\` interaction (R4 §3.1.0) against a source.`,
    operationId: `fhir_${route.interaction}_${route.method.toLowerCase()}_${route.path.replace(/[^a-z]+/gi, '_') || 'base'}`,
    parameters: [
      ...pathParameters,
      ...(route.headers ?? []).map((header) => HEADER_PARAMETERS[header]),
      ...(route.interaction === 'search' && route.method === 'GET' ? SEARCH_PARAMETERS : []),
      ...(route.path.endsWith('/*') ? [TYPE_PARAMETER] : []),
      FORMAT_PARAMETER,
    ],
    ...(route.body ? { requestBody: BODIES[route.body] } : {}),
    responses: {
      [success.status]: {
        description: success.description,
        ...(success.status === '204'
          ? {}
          : {
              content: {
                [FHIR_JSON]: {
                  schema: { $ref: '#/components/schemas/Resource' },
                  ...(success.example ? { example: success.example } : {}),
                },
              },
            }),
      },
      ...errorResponses(),
    },
  };
}

/**
 * The OpenAPI paths of every FHIR interaction under `/{mount}/{source}/`,
 * derived from `FHIR_ROUTES`, with the FHIR schemas they refer to.
 */
export function fhirOpenApi(mount = '/fhir'): Pick<OpenAPIObject, 'paths' | 'components'> {
  const paths: Record<string, PathItemObject> = {};
  for (const route of FHIR_ROUTES) {
    const template = `${mount}/{source}${route.path ? `/${route.path}` : ''}`;
    paths[template] = { ...paths[template], [route.method.toLowerCase()]: operationOf(route, mount) };
  }
  return {
    paths,
    components: {
      schemas: {
        Resource: {
          type: 'object',
          description: 'A FHIR R4 resource (https://hl7.org/fhir/R4/resourcelist.html)',
          required: ['resourceType'],
          properties: { resourceType: { type: 'string' }, id: { type: 'string' } },
          additionalProperties: true,
        },
        Bundle: {
          type: 'object',
          description: 'A FHIR R4 Bundle (https://hl7.org/fhir/R4/bundle.html)',
          required: ['resourceType', 'type'],
          properties: {
            resourceType: { type: 'string', enum: ['Bundle'] },
            type: { type: 'string' },
            entry: { type: 'array', items: { type: 'object' } },
          },
          additionalProperties: true,
        },
        OperationOutcome: {
          type: 'object',
          description: 'Every FHIR error (https://hl7.org/fhir/R4/operationoutcome.html)',
          required: ['resourceType', 'issue'],
          properties: {
            resourceType: { type: 'string', enum: ['OperationOutcome'] },
            issue: {
              type: 'array',
              items: {
                type: 'object',
                required: ['severity', 'code'],
                properties: {
                  severity: { type: 'string', enum: ['fatal', 'error', 'warning', 'information'] },
                  code: { type: 'string' },
                  diagnostics: { type: 'string' },
                  expression: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
  };
}
