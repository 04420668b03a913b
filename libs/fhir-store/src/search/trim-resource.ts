import { tryGetDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { Summary } from './search-query';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };
const ALWAYS = ['resourceType', 'id', 'meta'];

/** Whether `key` is the property `name` or one of its choice-type forms (`value` -> `valueQuantity`). */
function isProperty(key: string, name: string, choice: boolean): boolean {
  return key === name || (choice && key.startsWith(name) && /^[A-Z]/.test(key.slice(name.length)));
}

function keep(resource: Resource, names: Iterable<string>): Resource {
  const schema = tryGetDataType(resource.resourceType);
  const wanted = [...names].map((name) => ({ name, choice: (schema?.elements[name]?.type.length ?? 0) > 1 }));
  const kept = Object.fromEntries(
    Object.entries(resource).filter(
      ([key]) => ALWAYS.includes(key) || wanted.some(({ name, choice }) => isProperty(key, name, choice)),
    ),
  );
  return kept as Resource;
}

function markSubsetted(resource: Resource): Resource {
  const tags = resource.meta?.tag ?? [];
  if (tags.some((tag) => tag.system === SUBSETTED.system && tag.code === SUBSETTED.code)) return resource;
  return { ...resource, meta: { ...resource.meta, tag: [...tags, SUBSETTED] } };
}

/**
 * `_summary` and `_elements` (R4 3.1.1.5.8-9): the resource reduced to the
 * summary elements, its text, everything but its text, or the listed elements
 * (with the mandatory ones), tagged SUBSETTED.
 */
export function trimResource(
  resource: Resource,
  summary: Summary | undefined,
  elements: string[] | undefined,
): Resource {
  const schema = tryGetDataType(resource.resourceType);
  let trimmed: Resource;
  if (summary === 'true') trimmed = keep(resource, schema?.summaryProperties ?? []);
  else if (summary === 'text') trimmed = keep(resource, ['text', ...(schema?.mandatoryProperties ?? [])]);
  else if (summary === 'data') {
    const { text: _text, ...rest } = resource as Resource & { text?: unknown };
    trimmed = rest;
  } else if (elements) trimmed = keep(resource, [...elements, ...(schema?.mandatoryProperties ?? [])]);
  else return resource;
  return markSubsetted(trimmed);
}
