import { FhirError, assertResourceType } from '@ehr-gateway/fhir';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** What a request relative to the store's base asks for. */
export type Route =
  | { kind: 'base' }
  | { kind: 'metadata' }
  | { kind: 'system-history'; query: string }
  | { kind: 'type'; resourceType: string; query: string }
  | { kind: 'search-post'; resourceType: string; query: string }
  | { kind: 'type-history'; resourceType: string; query: string }
  | { kind: 'instance'; resourceType: string; id: string }
  | { kind: 'instance-history'; resourceType: string; id: string; query: string }
  | { kind: 'version'; resourceType: string; id: string; versionId: string }
  | { kind: 'compartment'; patient: string; resourceType: string; query: string }
  | { kind: 'everything'; patient: string; query: string };

function checkId(value: string, what = 'id'): string {
  if (!ID.test(value)) throw FhirError.badRequest(`The path has an invalid FHIR ${what}`);
  return value;
}

/** Parses a path relative to the base (`Patient/1/_history?_count=5`). */
export function parseRoute(path: string): Route {
  const question = path.indexOf('?');
  const pathname = question < 0 ? path : path.slice(0, question);
  const query = question < 0 ? '' : path.slice(question + 1);
  const segments = pathname.split('/').filter(Boolean);
  if (segments.length === 0) return { kind: 'base' };
  const [first, second, third, fourth] = segments;
  if (segments.length === 1 && first === 'metadata') return { kind: 'metadata' };
  if (segments.length === 1 && first === '_history') return { kind: 'system-history', query };
  if (segments.length > 4) throw FhirError.badRequest('Unsupported FHIR path');
  assertResourceType(first);
  if (segments.length === 1) return { kind: 'type', resourceType: first, query };
  if (segments.length === 2 && second === '_search') return { kind: 'search-post', resourceType: first, query };
  if (segments.length === 2 && second === '_history') return { kind: 'type-history', resourceType: first, query };
  const id = checkId(second);
  if (segments.length === 2) return { kind: 'instance', resourceType: first, id };
  if (third === '_history') {
    if (fourth === undefined) return { kind: 'instance-history', resourceType: first, id, query };
    return { kind: 'version', resourceType: first, id, versionId: checkId(fourth, 'version id') };
  }
  if (first === 'Patient' && segments.length === 3) {
    if (third === '$everything') return { kind: 'everything', patient: id, query };
    if (third === '*') return { kind: 'compartment', patient: id, resourceType: '*', query };
    assertResourceType(third);
    return { kind: 'compartment', patient: id, resourceType: third, query };
  }
  throw FhirError.badRequest('Unsupported FHIR path');
}
