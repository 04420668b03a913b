import { getSearchParameter } from '@medplum/core';
import { loadFhirDefinitions } from '@ehr-gateway/fhir';

/** A parameter name that can be quoted back: the shape of FHIR parameter names, chains and modifiers included. */
const QUOTABLE_NAME = /^[A-Za-z0-9_:.-]{1,100}$/;
const REVERSE_CHAIN = /^_has:/i;

/**
 * A search parameter that matches on other resources than those the search returns: a chain
 * (`subject:Patient.name`), a reverse chain (`_has:Condition:subject:code`), or `_filter` (which can say both).
 */
export interface SearchJoin {
  /** The parameter's name as sent. */
  name: string;
  /** The parameter in words that quote no value (`chained parameter 'link:Patient.name'`). */
  described: string;
}

const isJoin = (name: string) => REVERSE_CHAIN.test(name) || name === '_filter' || name.includes('.');

function describe(name: string): string {
  if (REVERSE_CHAIN.test(name)) return "reverse chaining ('_has')";
  if (name === '_filter') return "'_filter'";
  return `chained parameter ${QUOTABLE_NAME.test(name) ? `'${name}'` : '(a chain)'}`;
}

/** The joins of a search query (URL-encoded, without `?`), each parameter once. */
export function searchJoins(query: string | undefined): SearchJoin[] {
  const names = new Set(new URLSearchParams(query ?? '').keys());
  return [...names].filter(isJoin).map((name) => ({ name, described: describe(name) }));
}

/**
 * The resource types a join searching `resourceType` matches on: each hop's (a chain's target types: the one
 * it names, or every type its reference parameter can target; a `_has`'s referring type), nested joins
 * included. Undefined when that cannot be told (`_filter`, an unknown parameter, a malformed name).
 */
export function typesJoined(resourceType: string, name: string): string[] | undefined {
  loadFhirDefinitions();
  if (REVERSE_CHAIN.test(name)) {
    const [, referring, reference, ...rest] = name.split(':');
    if (!referring || !reference || rest.length === 0) return undefined;
    const next = rest.join(':');
    const further = isJoin(next) ? typesJoined(referring, next) : [];
    return further && [referring, ...further];
  }
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  const [code, named, ...extra] = name.slice(0, dot).split(':');
  if (extra.length > 0) return undefined;
  const targets = named ? [named] : getSearchParameter(resourceType, code)?.target;
  if (!targets?.length) return undefined;
  const rest = name.slice(dot + 1);
  const types = [...targets];
  for (const target of targets) {
    const further = isJoin(rest) ? typesJoined(target, rest) : [];
    if (!further) return undefined;
    types.push(...further);
  }
  return [...new Set(types)];
}
