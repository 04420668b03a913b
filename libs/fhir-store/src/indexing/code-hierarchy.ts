import type { CodeSystem, CodeSystemConcept } from '@medplum/fhirtypes';

/** The parameter key of a CodeSystem's hierarchy rows (`idx_code_parent`). */
export const HIERARCHY_KEY = 'CodeSystem:hierarchy';

/** Concepts of one CodeSystem indexed at most; a larger one is indexed by its first concepts. */
const MAX_CONCEPTS = 100_000;

/** R4 concept properties that name a parent (CodeSystem.property `parent`, and `subsumedBy` of FHIR code systems). */
const PARENT_PROPERTIES = new Set(['parent', 'subsumedBy']);

/**
 * `[system, code, parent]` rows of a CodeSystem's is-a hierarchy (R4 CodeSystem:
 * nested `concept`, and the `parent`/`subsumedBy` properties): one row per parent
 * of each concept, `parent` empty for a root, so that every concept has a row.
 * Only a `complete` CodeSystem defines a hierarchy: a fragment, an example or a
 * supplement says nothing of the codes it leaves out.
 */
export function hierarchyRows(codeSystem: CodeSystem): [string, string, string][] {
  const system = codeSystem.url?.split('|')[0];
  if (!system || !codeSystem.concept || codeSystem.content !== 'complete') return [];
  const rows: [string, string, string][] = [];
  // Depth first without recursion: a CodeSystem may nest its concepts arbitrarily deep.
  const pending: [CodeSystemConcept, string][] = codeSystem.concept.map((concept) => [concept, '']);
  for (let visited = 0; pending.length > 0 && visited < MAX_CONCEPTS; visited++) {
    const [concept, parent] = pending.pop()!;
    if (!concept.code) continue;
    const parents = new Set(parent ? [parent] : []);
    for (const property of concept.property ?? []) {
      if (PARENT_PROPERTIES.has(property.code) && property.valueCode) parents.add(property.valueCode);
    }
    if (parents.size === 0) parents.add('');
    for (const each of parents) rows.push([system, concept.code, each]);
    for (const child of concept.concept ?? []) pending.push([child, concept.code]);
  }
  return rows;
}
