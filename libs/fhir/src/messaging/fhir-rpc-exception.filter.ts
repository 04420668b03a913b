import { Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { Observable, throwError } from 'rxjs';
import { fhirErrorAnswer } from '../errors/fhir-error-answer';

/** The error a FHIR message-pattern caller receives. */
export interface FhirRpcError {
  status: number;
  outcome: OperationOutcome;
}

/**
 * The message-pattern counterpart of `FhirExceptionFilter`, with the same
 * mapping (`fhirErrorAnswer`): every error comes back to the caller as
 * `{ status, outcome }` (an OperationOutcome).
 */
@Catch()
export class FhirRpcExceptionFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('FhirGateway');

  catch(exception: unknown): Observable<never> {
    const { status, outcome } = fhirErrorAnswer(exception, this.logger);
    return throwError((): FhirRpcError => ({ status, outcome }));
  }
}
