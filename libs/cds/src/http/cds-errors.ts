import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { problemOf, stackFramesOf } from '@ehr-gateway/common';
import type { Response } from 'express';
import type { CdsErrorDto } from '../dto/cds-error.dto';

/** A CDS request that cannot be served, with the status and every problem to name. */
export class CdsError extends Error {
  /** What failed, for events and logs; the message when it quotes nothing else (the default). */
  readonly problem: string;

  constructor(
    readonly status: number,
    message: string,
    readonly details: string[] = [],
    problem?: string,
  ) {
    super(message);
    this.problem = problem ?? message;
  }
}

/** The JWT check failed: the specification's answer is a bare 401. */
export class CdsUnauthorizedError extends Error {}

/**
 * CDS errors answer as JSON `{ error, message, details }`; authentication
 * failures as a bare 401 with no body, so nothing about the check leaks.
 */
@Catch()
export class CdsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('CdsHooks');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof CdsUnauthorizedError) {
      response.status(401).end();
      return;
    }
    const { status, body } = cdsErrorAnswer(exception, this.logger);
    response.status(status).json(body);
  }
}

/**
 * The status and body of any exception of a CDS call, the one mapping of the
 * HTTP and message-pattern filters: a `CdsError` as it states, an
 * `HttpException` with its status, anything else a 500 with a fixed text,
 * logged by its problem and stack frames only (its message may quote content).
 */
export function cdsErrorAnswer(exception: unknown, logger: Logger): { status: number; body: CdsErrorDto } {
  if (exception instanceof CdsError) {
    return { status: exception.status, body: errorBody(exception.status, exception.message, exception.details) };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, body: errorBody(status, exception.message) };
  }
  logger.error(`Unexpected error: ${problemOf(exception)}`, stackFramesOf(exception));
  return { status: 500, body: errorBody(500, 'The CDS service failed') };
}

/** The JSON body of a CDS error answer, in the shape `/docs` shows (`CdsErrorDto`). */
export function errorBody(status: number, message: string, details: string[] = []): CdsErrorDto {
  return { error: STATUS_CODES[status] ?? 'Error', message, details };
}
