import { FHIR_VERSION, loadFhirDefinitions, resourceTypes } from '@ehr-gateway/fhir';
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
} from '@medplum/fhirtypes';
import { ParamDef, searchParams } from './indexing/search-parameters';
import { UCUM_SYSTEM } from './indexing/ucum';
import { supportedModifiers } from './search/compile-filter';
import { MAX_SUBSUMED_CODES } from './search/subsumption';
import { patientCompartmentParams } from './search/patient-compartment';
import { ID_MODIFIERS, MAX_CHAIN_DEPTH, MAX_SORT_KEYS, RESULT_PARAMETERS } from './search/search-query';

let statement: CapabilityStatement | undefined;

const INTERACTIONS = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
] as const;

function modifiersOf(param: ParamDef): string[] {
  if (param.code === '_id') return ID_MODIFIERS;
  const modifiers = supportedModifiers(param);
  return param.type === 'reference' ? [...modifiers, ...param.targets] : modifiers;
}

function searchParam(param: ParamDef): CapabilityStatementRestResourceSearchParam {
  const modifiers = modifiersOf(param);
  return {
    name: param.code,
    type: param.type,
    definition: param.definition.url,
    ...(modifiers.length > 0 ? { documentation: `Modifiers: ${modifiers.map((m) => `:${m}`).join(' ')}` } : {}),
  };
}

/** `_list` (R4 Resource-list), answered for every type from the `item` references of the named Lists. */
const FULL_TEXT_DOCUMENTATION = (what: string) =>
  `Whole words of ${what}, case and accents ignored: space = AND, comma = OR; no FTS syntax (operators are words)`;

const LIST_PARAM: CapabilityStatementRestResourceSearchParam = {
  name: '_list',
  type: 'string',
  definition: 'http://hl7.org/fhir/SearchParameter/Resource-list',
  documentation: 'A List by its id or List/id; functional lists ($current-problems...) are not kept (400)',
};

/** `_text` and `_content` (R4 DomainResource-text, Resource-content), answered for every type from the full-text index. */
const FULL_TEXT_PARAMS: CapabilityStatementRestResourceSearchParam[] = [
  {
    name: '_text',
    type: 'string',
    definition: 'http://hl7.org/fhir/SearchParameter/DomainResource-text',
    documentation: FULL_TEXT_DOCUMENTATION("the narrative's text"),
  },
  {
    name: '_content',
    type: 'string',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-content',
    documentation: FULL_TEXT_DOCUMENTATION("the resource's string values"),
  },
];

/** For each type, the `_revinclude` values that can reach it: `Source:param` for every reference parameter targeting it. */
function revIncludes(types: string[]): Map<string, string[]> {
  const byTarget = new Map<string, string[]>(types.map((type) => [type, ['*']]));
  for (const source of types) {
    for (const param of searchParams(source).values()) {
      if (param.type !== 'reference') continue;
      for (const target of param.targets) byTarget.get(target)?.push(`${source}:${param.code}`);
    }
  }
  return byTarget;
}

/**
 * The store's CapabilityStatement, generated from what the engine supports: the
 * search parameters it indexes (every R4 type but `special`), the modifiers its
 * compiler accepts for each type, the includes its references allow, and the
 * interactions its router serves.
 */
export function buildCapabilityStatement(): CapabilityStatement {
  if (statement) return statement;
  loadFhirDefinitions();
  const types = resourceTypes();
  const reverse = revIncludes(types);
  const compartment = patientCompartmentParams();
  const resource: CapabilityStatementRestResource[] = types.map((type) => {
    const params = [...searchParams(type).values()];
    const references = params.filter((param) => param.type === 'reference');
    return {
      type: type as CapabilityStatementRestResource['type'],
      versioning: 'versioned',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalRead: 'not-match',
      conditionalUpdate: true,
      conditionalDelete: 'multiple',
      interaction: INTERACTIONS.map((code) => ({ code })),
      searchInclude: ['*', ...references.map((param) => `${type}:${param.code}`)],
      searchRevInclude: reverse.get(type) ?? [],
      searchParam: [...params.map(searchParam), LIST_PARAM, ...FULL_TEXT_PARAMS],
      ...(type === 'Patient'
        ? {
            operation: [
              { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
            ],
          }
        : {}),
      ...(compartment.has(type) ? { documentation: 'In the Patient compartment: Patient/{id}/' + type } : {}),
    };
  });
  statement = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'ehr-gateway embedded FHIR store' },
    implementation: { description: 'Embedded FHIR R4 store (SQLite)' },
    fhirVersion: FHIR_VERSION as never,
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `Searches: every parameter type but special; comma = OR, repeated parameter = AND; prefixes eq ne gt lt ge le sa eb ap ` +
          `on date, number and quantity; chained parameters and _has up to ${MAX_CHAIN_DEPTH} levels; composite parameters; ` +
          `_include/_revinclude with :iterate and *; _sort on any non-composite parameter (at most ${MAX_SORT_KEYS} keys); ` +
          `${[...RESULT_PARAMETERS].join(', ')} (_cursor: keyset paging in the default order, handed out in next links); ` +
          'Prefer: handling=strict|lenient; compartment searches Patient/{id}/{type}, Patient/{id}/* (every type, _type to choose) ' +
          'and Patient/{id}/$everything. ' +
          `_text and _content: whole words (space = AND, comma = OR), case and accents ignored; ` +
          `quantities with a UCUM unit (${UCUM_SYSTEM}) compared in UCUM base units when the unit converts, others on their stated unit; ` +
          `token :above/:below from the hierarchies of the CodeSystem resources stored here (a system without one: 400; ` +
          `more than ${MAX_SUBSUMED_CODES} codes: too-costly); :of-type on Identifier tokens; ` +
          'reference :above/:below on absolute and canonical references (as uri). ' +
          'Not supported: _filter, _query, special parameters (near).',
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
        compartment: ['http://hl7.org/fhir/CompartmentDefinition/patient'],
      },
    ],
  };
  return statement;
}
