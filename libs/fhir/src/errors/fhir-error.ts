import type { OperationOutcome } from '@medplum/fhirtypes';
import { describeOutcome, issueCodeForStatus, operationOutcome } from './operation-outcome';

/** A FHIR operation that failed, with the status and OperationOutcome to answer with. */
export class FhirError extends Error {
  readonly outcome: OperationOutcome;

  constructor(
    readonly status: number,
    outcomeOrMessage: OperationOutcome | string,
    readonly headers: Record<string, string> = {},
  ) {
    const outcome =
      typeof outcomeOrMessage === 'string'
        ? operationOutcome(issueCodeForStatus(status), outcomeOrMessage)
        : outcomeOrMessage;
    super(
      outcome.issue?.map((issue) => issue.diagnostics ?? issue.details?.text ?? issue.code).join('; ') ?? 'FHIR error',
    );
    this.outcome = outcome;
  }

  /** The problem for events and logs: issue codes and element paths, never the diagnostics. */
  get problem(): string {
    return describeOutcome(this.outcome);
  }

  static badRequest(message: string): FhirError {
    return new FhirError(400, message);
  }

  static notFound(message: string): FhirError {
    return new FhirError(404, message);
  }
}
