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
    if (exception instanceof CdsError) {
      response.status(exception.status).json(errorBody(exception.status, exception.message, exception.details));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      response.status(status).json(errorBody(status, exception.message));
      return;
    }
    this.logger.error(`Unexpected error: ${problemOf(exception)}`, stackFramesOf(exception));
    response.status(500).json(errorBody(500, 'The CDS service failed'));
  }
}

/** The JSON body of a CDS error answer, in the shape `/docs` shows (`CdsErrorDto`). */
export function errorBody(status: number, message: string, details: string[] = []): CdsErrorDto {
  return { error: statusText(status), message, details };
}

export function statusText(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      404: 'Not Found',
      412: 'Precondition Failed',
      500: 'Internal Server Error',
    }[status] ?? 'Error'
  );
}
