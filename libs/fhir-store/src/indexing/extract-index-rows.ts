import {
  TypedValue,
  convertToSearchableDates,
  convertToSearchableNumbers,
  convertToSearchableQuantities,
  convertToSearchableReferences,
  convertToSearchableStrings,
  convertToSearchableTokens,
  convertToSearchableUris,
  evalFhirPathTyped,
  toTypedValue,
} from '@medplum/core';
import type { Address, HumanName, Resource } from '@medplum/fhirtypes';
import { HIERARCHY_KEY, hierarchyRows } from './code-hierarchy';
import { FullText, fullTextOf } from './full-text';
import { ofTypeKey, ofTypeTokens } from './identifier-type';
import { IndexedType, ParamDef, searchParams } from './search-parameters';
import { UCUM_SYSTEM, toCanonical } from './ucum';
import { DATE_MAX, DATE_MIN, MAX_INDEXED_STRING, foldString, referenceKey } from './values';

/** The system under which token text (Coding.display, CodeableConcept.text) comes back from Medplum. */
const TEXT_SYSTEM = 'urn:ehr-gateway:text';

/**
 * Index rows of one resource, per table. The first column is the parameter key
 * (`Patient.name`; `Observation.code:text` for token text, `...:identifier` for
 * reference identifiers, `...#1` for the second component of a composite), the
 * second the composite group (0 outside composites).
 */
export interface IndexRows {
  idx_string: [string, number, string, string][];
  idx_token: [string, number, string, string][];
  idx_date: [string, number, number, number][];
  idx_number: [string, number, number, number][];
  idx_quantity: [string, number, number, string, string][];
  idx_reference: [string, number, string, string, string][];
  idx_uri: [string, number, string][];
  /** Quantities with a UCUM unit that converts: value and unit in base units (`1500`, `m-3.g1` for 150 mg/dL). */
  idx_ucum: [string, number, number, string][];
  /** A CodeSystem's hierarchy: system, code, parent (`HIERARCHY_KEY`). */
  idx_code_parent: [string, number, string, string, string][];
  /** The text `_text` and `_content` search (the full-text table). */
  fullText: FullText;
}

export const paramKey = (resourceType: string, code: string) => `${resourceType}.${code}`;
export const textKey = (key: string) => `${key}:text`;
export const identifierKey = (key: string) => `${key}:identifier`;
export const componentKey = (key: string, index: number) => `${key}#${index}`;

/** Every search-parameter value of a resource, by FHIRPath evaluation of the R4 definitions (`@medplum/core`). */
export function extractIndexRows(resource: Resource): IndexRows {
  const rows: IndexRows = {
    idx_string: [],
    idx_token: [],
    idx_date: [],
    idx_number: [],
    idx_quantity: [],
    idx_reference: [],
    idx_uri: [],
    idx_ucum: [],
    idx_code_parent: [],
    fullText: fullTextOf(resource),
  };
  const root = [toTypedValue(resource)];
  for (const param of searchParams(resource.resourceType).values()) {
    if (param.requires && !param.requires.some((path) => hasPath(resource, path))) continue;
    const key = paramKey(resource.resourceType, param.code);
    const values = evalFhirPathTyped(param.expression, root);
    if (values.length === 0) continue;
    if (param.type !== 'composite') {
      addRows(rows, param.type, key, 0, values);
      continue;
    }
    values.forEach((value, index) => addComposite(rows, param, key, index + 1, value));
  }
  if (resource.resourceType === 'CodeSystem') {
    for (const row of hierarchyRows(resource)) rows.idx_code_parent.push([HIERARCHY_KEY, 0, ...row]);
  }
  return rows;
}

/** One composite value: indexed only when every component has a value (else no search could match it). */
function addComposite(rows: IndexRows, param: ParamDef, key: string, grp: number, value: TypedValue): void {
  const components = param.components!.map((component) => evalFhirPathTyped(component.expression, [value]));
  if (components.some((values) => values.length === 0)) return;
  components.forEach((values, index) =>
    addRows(rows, param.components![index].type, componentKey(key, index), grp, values),
  );
}

/** Whether `value` has the property `name`, or a choice-type form of it (`value` -> `valueQuantity`). */
function property(value: unknown, name: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => property(item, name));
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (name in record) return [record[name]];
  const found: unknown[] = [];
  for (const key in record) {
    if (key.length > name.length && key.startsWith(name) && /^[A-Z]/.test(key[name.length])) found.push(record[key]);
  }
  return found;
}

function hasPath(resource: Resource, path: string[]): boolean {
  let values: unknown[] = [resource];
  for (const name of path) {
    values = values.flatMap((value) => property(value, name));
    if (values.length === 0) return false;
  }
  return true;
}

function addRows(
  rows: IndexRows,
  type: Exclude<IndexedType, 'composite'>,
  key: string,
  grp: number,
  values: TypedValue[],
): void {
  switch (type) {
    case 'string':
      for (const text of stringsOf(values)) rows.idx_string.push([key, grp, foldString(text), exactOf(text)]);
      return;
    case 'token':
      for (const token of convertToSearchableTokens(values, { textSearchSystem: TEXT_SYSTEM })) {
        if (token.system === TEXT_SYSTEM) {
          if (token.value) rows.idx_string.push([textKey(key), grp, foldString(token.value), exactOf(token.value)]);
        } else {
          rows.idx_token.push([key, grp, token.system ?? '', token.value ?? '']);
        }
      }
      for (const [system, code] of ofTypeTokens(values)) rows.idx_token.push([ofTypeKey(key), grp, system, code]);
      return;
    case 'date':
      for (const period of convertToSearchableDates(values)) {
        rows.idx_date.push([key, grp, instant(period.start, DATE_MIN), instant(period.end, DATE_MAX)]);
      }
      return;
    case 'number':
      for (const [low, high] of convertToSearchableNumbers(values)) {
        rows.idx_number.push([key, grp, low ?? -Infinity, high ?? Infinity]);
      }
      return;
    case 'quantity':
      for (const quantity of convertToSearchableQuantities(values)) {
        if (typeof quantity.value !== 'number') continue;
        rows.idx_quantity.push([key, grp, quantity.value, quantity.system ?? '', quantity.code ?? quantity.unit ?? '']);
        const canonical =
          quantity.system === UCUM_SYSTEM && quantity.code && toCanonical(quantity.value, quantity.code);
        if (canonical) rows.idx_ucum.push([key, grp, canonical.value, canonical.unit]);
      }
      return;
    case 'reference':
      for (const reference of convertToSearchableReferences(values)) {
        if (reference.startsWith('identifier:')) {
          const [system, ...value] = reference.slice('identifier:'.length).split('|');
          const clean = (part: string) => (part === 'undefined' ? '' : part);
          rows.idx_token.push([identifierKey(key), grp, clean(system), clean(value.join('|'))]);
        } else if (!reference.startsWith('#')) {
          const { ttype, tid, url } = referenceKey(reference);
          rows.idx_reference.push([key, grp, ttype, tid, url]);
          // A versioned canonical (`url|1.0`) also matches a search for the url alone (R4 3.1.1.4.8.1).
          if (url.includes('|')) rows.idx_reference.push([key, grp, '', '', url.slice(0, url.indexOf('|'))]);
        }
      }
      return;
    case 'uri':
      for (const uri of convertToSearchableUris(values))
        rows.idx_uri.push([key, grp, uri.slice(0, MAX_INDEXED_STRING)]);
      return;
  }
}

/**
 * The strings a value is searched by. A HumanName or Address matches on any of
 * its parts (R4 `name`, `address`), so each part is a value of its own.
 */
function stringsOf(values: TypedValue[]): string[] {
  const strings: string[] = [];
  for (const value of values) {
    if (value.type === 'HumanName') {
      const name = value.value as HumanName;
      strings.push(
        ...compact([name.text, name.family, ...(name.given ?? []), ...(name.prefix ?? []), ...(name.suffix ?? [])]),
      );
    } else if (value.type === 'Address') {
      const address = value.value as Address;
      strings.push(
        ...compact([
          address.text,
          ...(address.line ?? []),
          address.city,
          address.district,
          address.state,
          address.postalCode,
          address.country,
        ]),
      );
    } else {
      strings.push(...convertToSearchableStrings([value]));
    }
  }
  return strings;
}

const compact = (items: (string | undefined)[]): string[] => items.filter((item): item is string => !!item);
const exactOf = (text: string) => text.slice(0, MAX_INDEXED_STRING);

function instant(value: string | undefined, open: number): number {
  if (!value) return open;
  const time = Date.parse(value);
  return Number.isNaN(time) ? open : time;
}
