import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { problemOf, stackFramesOf } from '@ehr-gateway/events';
import type { Response } from 'express';
import { FHIR_JSON } from '../constants';
import { FhirError } from '../errors/fhir-error';
import { issueCodeForStatus, operationOutcome } from '../errors/operation-outcome';

/** Headers of a `FhirError` that reach the client: an upstream's `Retry-After`, an access check's `WWW-Authenticate`. */
const ANSWERED_HEADERS = ['retry-after', 'www-authenticate'];

/** Every error under `/fhir` answers as an OperationOutcome with the right status. */
@Catch()
export class FhirExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('FhirGateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, outcome, headers } = toOutcome(exception, this.logger);
    response.status(status).set(headers).type(FHIR_JSON).send(JSON.stringify(outcome));
  }
}

function toOutcome(exception: unknown, logger: Logger) {
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

/** The OperationOutcome answer for a body the JSON parser refused (malformed or too large). */
export function bodyParserOutcome(error: { status?: number; type?: string; message?: string }) {
  const status = error.status ?? 400;
  // The parser's own message quotes the body: it is never passed on.
  const diagnostics =
    error.type === 'entity.too.large'
      ? 'Request body exceeds the size limit'
      : error.type === 'entity.too.deep'
        ? (error.message ?? 'The JSON body nests too deep')
        : error.type === 'charset.unsupported'
          ? 'Unsupported charset in Content-Type'
          : 'Malformed JSON body';
  return { status, outcome: operationOutcome(issueCodeForStatus(status), diagnostics) };
}
