import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueCode = OperationOutcomeIssue['code'];

export function operationOutcome(code: IssueCode, diagnostics: string, expression?: string[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics, ...(expression ? { expression } : {}) }],
  };
}

export function isOperationOutcome(value: unknown): value is OperationOutcome {
  return (value as { resourceType?: unknown } | null)?.resourceType === 'OperationOutcome';
}

/**
 * An outcome's problems without any submitted value or stored content: each
 * issue's code and the element paths it names (`invalid at Patient.gender`);
 * an expression that is more than an element path is left out.
 * Diagnostics are free text (an upstream server may quote the data), so they
 * never reach events or logs.
 */
export function describeOutcome(outcome: OperationOutcome): string {
  const issues = (outcome.issue ?? []).map((issue) => {
    const paths = (issue.expression ?? []).filter(isElementPath);
    return `${issue.code}${paths.length ? ` at ${paths.join(', ')}` : ''}`;
  });
  return issues.length > 0 ? issues.join('; ') : 'no issue given';
}

/**
 * A FHIRPath expression that only names an element (`Patient.name[0].given[1]`,
 * `Bundle.entry[2].resource.ofType(Patient)`): a type name, then dotted names with indexes and
 * type filters, no literal or function call that could carry a value
 * (`Patient.identifier.where(value='123-45-6789')`, `Patient.name[0] = John Smith`).
 */
const ELEMENT_PATH =
  /^[A-Z][A-Za-z0-9]*(\[\d{1,6}\])?(\.([A-Za-z][A-Za-z0-9_]*(\[\d{1,6}\])?|ofType\([A-Za-z][A-Za-z0-9]*\)))*$/;

function isElementPath(expression: string): boolean {
  return expression.length <= 256 && ELEMENT_PATH.test(expression);
}

/** The issue code that fits an HTTP status. */
export function issueCodeForStatus(status: number): IssueCode {
  if (status === 400 || status === 422) return 'invalid';
  if (status === 401 || status === 403) return 'security';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 405 || status === 406 || status === 415) return 'not-supported';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 413) return 'too-costly';
  if (status === 429) return 'throttled';
  if (status === 504) return 'timeout';
  if (status === 502 || status === 503) return 'transient';
  return 'exception';
}
