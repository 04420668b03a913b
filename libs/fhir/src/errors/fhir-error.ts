import type { OperationOutcome } from '@medplum/fhirtypes';
import { describeOutcome, isOperationOutcome, issueCodeForStatus, operationOutcome } from './operation-outcome';

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

  /**
   * A source's error answer: its OperationOutcome kept for the caller, but a
   * message of issue codes and element paths only, since the diagnostics are
   * the source's free text (they may quote data) and messages get logged.
   */
  static fromAnswer(status: number, body: unknown): FhirError {
    const error = new FhirError(status, isOperationOutcome(body) ? body : `FHIR source answered HTTP ${status}`);
    error.message = `FHIR source answered HTTP ${status}: ${error.problem}`;
    return error;
  }

  static badRequest(message: string): FhirError {
    return new FhirError(400, message);
  }

  static notFound(message: string): FhirError {
    return new FhirError(404, message);
  }
}
