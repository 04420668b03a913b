import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
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
    // The gateway's inbound guard refuses a message (401, 403) with `{ status, message }`.
    const refusal = exception instanceof RpcException ? (exception.getError() as Partial<CdsRpcError>) : undefined;
    if (typeof refusal?.status === 'number' && typeof refusal.message === 'string') {
      const { status, message } = refusal;
      return throwError((): CdsRpcError => ({ status, ...errorBody(status, message) }));
    }
    this.logger.error(`Unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    return throwError((): CdsRpcError => ({ status: 500, ...errorBody(500, 'The CDS service failed') }));
  }
}
