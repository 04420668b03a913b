import { Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import type { CdsErrorDto } from '../dto/cds-error.dto';
import { cdsErrorAnswer } from './cds-errors';

/** The error a `cds.invoke` caller receives. */
export interface CdsRpcError extends CdsErrorDto {
  status: number;
}

/**
 * The message-pattern counterpart of `CdsExceptionFilter`, with the same
 * mapping (`cdsErrorAnswer`): every error comes back to the caller as
 * `{ status, error, message, details }`.
 */
@Catch()
export class CdsRpcExceptionFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('CdsHooks');

  catch(exception: unknown): Observable<never> {
    const { status, body } = cdsErrorAnswer(exception, this.logger);
    return throwError((): CdsRpcError => ({ status, ...body }));
  }
}
