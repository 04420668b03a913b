import { TypedValue, getSearchParameterDetails } from '@medplum/core';
import type { Identifier } from '@medplum/fhirtypes';
import type { ParamDef } from './search-parameters';

/** The parameter key of `:of-type` rows (R4 3.1.1.4.6): the identifier's type coding with its value. */
export const ofTypeKey = (key: string) => `${key}:of-type`;

/** The `code` column of an `:of-type` row: the type code and the identifier's value, unambiguously joined. */
export const ofTypeCode = (typeCode: string, value: string) => JSON.stringify([typeCode, value]);

/** `[system, code]` pairs of the `:of-type` rows of token values: one per type coding of each Identifier with a value. */
export function ofTypeTokens(values: TypedValue[]): [string, string][] {
  const tokens: [string, string][] = [];
  for (const typed of values) {
    if (typed.type !== 'Identifier') continue;
    const identifier = typed.value as Identifier;
    if (!identifier.value) continue;
    for (const coding of identifier.type?.coding ?? []) {
      if (coding.code) tokens.push([coding.system ?? '', ofTypeCode(coding.code, identifier.value)]);
    }
  }
  return tokens;
}

const identifierParams = new WeakMap<ParamDef, boolean>();

/** Whether a token parameter's element is an Identifier, so that `:of-type` applies to it. */
export function acceptsOfType(param: ParamDef): boolean {
  if (param.type !== 'token') return false;
  let accepts = identifierParams.get(param);
  if (accepts === undefined) {
    const details = getSearchParameterDetails(param.resourceType, param.definition);
    accepts = (details.elementDefinitions ?? []).some((element) =>
      (element.type ?? []).some((type) => type.code === 'Identifier'),
    );
    identifierParams.set(param, accepts);
  }
  return accepts;
}
