import { FhirError, operationOutcome, validateFhirResource } from '@ehr-gateway/fhir';
import type { TypedValueWithPath } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { findInheritedElementName } from './element-names';
import { requiredBindingViolations } from './required-bindings';

/**
 * Every write's validation: element names from the resource's definition only,
 * structure and cardinality (`@medplum/core`), and codes inside the value set
 * of each required binding. Throws a 400 `FhirError` naming the element paths,
 * never their values.
 */
export function validateWrite(resource: Resource): void {
  const inherited = findInheritedElementName(resource, resource.resourceType);
  if (inherited) {
    throw new FhirError(
      400,
      operationOutcome('structure', `Element ${inherited} is not defined for ${resource.resourceType}`, [inherited]),
    );
  }
  const tokens: Record<string, TypedValueWithPath[]> = {};
  validateFhirResource(resource, { collect: { tokens } });
  const violations = requiredBindingViolations(tokens);
  if (violations.length > 0) {
    throw new FhirError(400, {
      resourceType: 'OperationOutcome',
      issue: violations.map((path): OperationOutcomeIssue => ({
        severity: 'error',
        code: 'code-invalid',
        diagnostics: `The code at ${path} is not in the value set of its required binding`,
        expression: [path],
      })),
    });
  }
}
