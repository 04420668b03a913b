import {
  SearchRequest,
  evalFhirPath,
  formatSearchQuery,
  getSearchParameters,
  matchesSearchRequest,
  parseSearchRequest,
} from '@medplum/core';
import { FhirError } from '@ehr-gateway/fhir';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { INDEXED_REFERENCE_PARAMS, ResourceIndex } from './resource-index';

const DEFAULT_COUNT = 20;
const MAX_COUNT = 1000;
/** Result parameters the store honours; any other `_x` parameter is refused rather than ignored. */
const RESULT_PARAMETERS = new Set(['_count', '_offset', '_sort', '_total', '_format', '_pretty', '_summary']);

/** Parses a search and refuses parameters the type does not define, naming them. */
export function parseSearch(resourceType: string, query: string): SearchRequest {
  const params = new URLSearchParams(query);
  for (const name of params.keys()) {
    const code = name.split(':')[0];
    if (code.startsWith('_') && !RESULT_PARAMETERS.has(code) && !getSearchParameters(resourceType)?.[code]) {
      throw FhirError.badRequest(`Unsupported search parameter '${name}'`);
    }
  }
  let request: SearchRequest;
  try {
    request = parseSearchRequest(`${resourceType}?${query}`);
  } catch (error) {
    throw FhirError.badRequest((error as Error).message);
  }
  const known = getSearchParameters(resourceType) ?? {};
  for (const filter of request.filters ?? []) {
    if (!known[filter.code]) {
      throw FhirError.badRequest(`Unknown search parameter '${filter.code}' for ${resourceType}`);
    }
  }
  for (const rule of request.sortRules ?? []) {
    if (!known[rule.code]) throw FhirError.badRequest(`Unknown sort parameter '${rule.code}' for ${resourceType}`);
  }
  if (request.count !== undefined && (!Number.isInteger(request.count) || request.count < 0)) {
    throw FhirError.badRequest('_count must be a whole number');
  }
  if (request.offset !== undefined && (!Number.isInteger(request.offset) || request.offset < 0)) {
    throw FhirError.badRequest('_offset must be a whole number');
  }
  return request;
}

/** Narrows the candidates through the reference index when the search names a patient or subject. */
function candidates(index: ResourceIndex, request: SearchRequest): Iterable<Resource> {
  const params = getSearchParameters(request.resourceType) ?? {};
  for (const filter of request.filters ?? []) {
    if (!(INDEXED_REFERENCE_PARAMS as readonly string[]).includes(filter.code) || filter.operator !== 'eq') continue;
    if (filter.value.includes(',')) continue;
    // A bare id names a reference when the parameter targets one type only (`Observation?patient=123`).
    const targets = params[filter.code]?.target ?? [];
    const reference = filter.value.includes('/')
      ? filter.value
      : targets.length === 1
        ? `${targets[0]}/${filter.value}`
        : undefined;
    if (reference) return index.referencing(request.resourceType, filter.code, reference);
  }
  return index.live(request.resourceType);
}

function sortKey(resource: Resource, code: string, expression: string | undefined): string {
  if (code === '_id') return resource.id ?? '';
  if (code === '_lastUpdated') return resource.meta?.lastUpdated ?? '';
  const [first] = expression ? evalFhirPath(expression, resource) : [];
  if (first === undefined || first === null) return '';
  if (typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean') return String(first);
  // Complex values sort by their most telling part (a name's family, a period's start, a quantity's value).
  const value = first as { family?: string; start?: string; value?: string | number; text?: string; display?: string };
  return String(value.family ?? value.start ?? value.value ?? value.text ?? value.display ?? JSON.stringify(first));
}

/** Runs a search on the in-memory index: filters by `@medplum/core`, then `_sort`, `_count`, `_offset`. */
export function executeSearch(index: ResourceIndex, request: SearchRequest, baseUrl: string): Bundle {
  const matches: Resource[] = [];
  for (const resource of candidates(index, request)) {
    if (matchesSearchRequest(resource, request)) matches.push(resource);
  }
  const params = getSearchParameters(request.resourceType) ?? {};
  const rules = request.sortRules ?? [];
  if (rules.length > 0) {
    const keyed = matches.map((resource) => ({
      resource,
      keys: rules.map((rule) => sortKey(resource, rule.code, params[rule.code]?.expression)),
    }));
    keyed.sort((a, b) => {
      for (let i = 0; i < rules.length; i++) {
        const order = a.keys[i].localeCompare(b.keys[i]);
        if (order !== 0) return rules[i].descending ? -order : order;
      }
      return 0;
    });
    matches.splice(0, matches.length, ...keyed.map((entry) => entry.resource));
  }

  const count = Math.min(request.count ?? DEFAULT_COUNT, MAX_COUNT);
  const offset = request.offset ?? 0;
  const page = matches.slice(offset, offset + count);
  const link = (relation: string, pageOffset: number) => ({
    relation,
    url: `${baseUrl}/${request.resourceType}${formatSearchQuery({ ...request, count, offset: pageOffset })}`,
  });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    link: [
      link('self', offset),
      ...(offset + count < matches.length ? [link('next', offset + count)] : []),
      ...(offset > 0 ? [link('previous', Math.max(0, offset - count))] : []),
    ],
    entry: page.map((resource) => ({
      fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}
