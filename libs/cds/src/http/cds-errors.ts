import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** A CDS request that cannot be served, with the status and every problem to name. */
export class CdsError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
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
      response
        .status(exception.status)
        .json({ error: statusText(exception.status), message: exception.message, details: exception.details });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      response.status(status).json({ error: statusText(status), message: exception.message, details: [] });
      return;
    }
    this.logger.error(`Unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    response.status(500).json({ error: 'Internal Server Error', message: 'The CDS service failed', details: [] });
  }
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
