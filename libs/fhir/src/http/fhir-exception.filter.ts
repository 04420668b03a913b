import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { FHIR_JSON } from '../constants';
import { fhirErrorAnswer } from '../errors/fhir-error-answer';
import { issueCodeForStatus, operationOutcome } from '../errors/operation-outcome';

/** Every error under `/fhir` answers as an OperationOutcome with the right status. */
@Catch()
export class FhirExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('FhirGateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, outcome, headers } = fhirErrorAnswer(exception, this.logger);
    response.status(status).set(headers).type(FHIR_JSON).send(JSON.stringify(outcome));
  }
}

/**
 * What the body parsers refuse, in fixed words: their own messages quote the
 * body or a header (a charset name), and are never passed on.
 */
const BODY_PARSER_PROBLEMS = new Map([
  ['entity.too.large', 'Request body exceeds the size limit'],
  ['entity.parse.failed', 'Malformed JSON body'],
  ['entity.verify.failed', 'Request body refused'],
  ['charset.unsupported', 'Unsupported charset in Content-Type'],
  ['encoding.unsupported', 'Unsupported Content-Encoding'],
  ['parameters.too.many', 'Too many form parameters'],
  ['request.aborted', 'Request body incomplete'],
  ['request.size.invalid', 'Request body incomplete'],
]);

/** A body the parsers refused as a status and a fixed text; undefined for any other error. */
export function bodyParserProblem(error: unknown): { status: number; diagnostics: string } | undefined {
  const { status, type, message } = (error ?? {}) as { status?: number; type?: unknown; message?: string };
  if (typeof type !== 'string') return undefined;
  // The JSON depth check's own message is fixed (it names the limit).
  const diagnostics = type === 'entity.too.deep' ? message : BODY_PARSER_PROBLEMS.get(type);
  return diagnostics === undefined ? undefined : { status: status ?? 400, diagnostics };
}

/** The OperationOutcome answer for a body the parsers refused (`bodyParserProblem`). */
export function bodyParserOutcome({ status, diagnostics }: { status: number; diagnostics: string }) {
  return { status, outcome: operationOutcome(issueCodeForStatus(status), diagnostics) };
}
