import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { CdsError, errorBody } from './cds-errors';

/** The error a `cds.invoke` caller receives. */
export interface CdsRpcError {
  status: number;
  error: string;
  message: string;
  details: string[];
}

/**
 * The message-pattern counterpart of `CdsExceptionFilter`: a CDS error comes
 * back to the caller as `{ status, error, message, details }`, anything else
 * as a 500 that names nothing of the failure.
 */
@Catch()
export class CdsRpcExceptionFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('CdsHooks');

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (exception instanceof CdsError) {
      const { status, message, details } = exception;
      return throwError((): CdsRpcError => ({ status, ...errorBody(status, message, details) }));
    }
    this.logger.error(`Unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    return throwError((): CdsRpcError => ({ status: 500, ...errorBody(500, 'The CDS service failed') }));
  }
}
