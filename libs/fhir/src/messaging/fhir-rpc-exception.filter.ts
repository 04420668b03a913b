import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { FhirError } from '../errors/fhir-error';

/**
 * The message-pattern counterpart of the FHIR HTTP error handling: a
 * `FhirError` comes back to the caller as `{ status, outcome }` (an
 * OperationOutcome); anything else as Nest's own RPC error.
 */
@Catch()
export class FhirRpcExceptionFilter extends BaseRpcExceptionFilter implements RpcExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    if (exception instanceof FhirError) {
      return throwError(() => ({ status: exception.status, outcome: exception.outcome }));
    }
    return super.catch(exception, host);
  }
}
