import { HttpException, type Logger } from '@nestjs/common';
import { problemOf, stackFramesOf } from '@ehr-gateway/common';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { FhirError } from './fhir-error';
import { issueCodeForStatus, operationOutcome } from './operation-outcome';

/** Headers of a `FhirError` that reach the client: an upstream's `Retry-After`, an access check's `WWW-Authenticate`. */
const ANSWERED_HEADERS = ['retry-after', 'www-authenticate'];

/** How a failed FHIR operation answers, whatever the transport. */
export interface FhirErrorAnswer {
  status: number;
  outcome: OperationOutcome;
  headers: Record<string, string>;
}

/**
 * The answer to any exception of a FHIR operation, the one mapping of the
 * HTTP and message-pattern filters: a `FhirError` keeps its status and outcome,
 * an `HttpException` its status, and anything else is a 500 with a fixed text,
 * logged by its problem and stack frames only (its message may quote content).
 */
export function fhirErrorAnswer(exception: unknown, logger: Logger): FhirErrorAnswer {
  if (exception instanceof FhirError) {
    const headers = Object.fromEntries(
      ANSWERED_HEADERS.filter((name) => exception.headers[name]).map((name) => [name, exception.headers[name]]),
    );
    return { status: exception.status, outcome: exception.outcome, headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, outcome: operationOutcome(issueCodeForStatus(status), exception.message), headers: {} };
  }
  logger.error(`Unexpected error: ${problemOf(exception)}`, stackFramesOf(exception));
  return { status: 500, outcome: operationOutcome('exception', 'Internal gateway error'), headers: {} };
}
