import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { problemOf, stackFramesOf } from '@ehr-gateway/common';
import type { Response } from 'express';
import { SoapFault, faultEnvelope } from '../soap/soap-fault';

/** Every NoteReader error is a SOAP 1.1 fault, HTTP 500 as SOAP 1.1 prescribes. */
@Catch()
export class SoapFaultFilter implements ExceptionFilter {
  private readonly logger = new Logger('NoteReader');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    let fault: SoapFault;
    if (exception instanceof SoapFault) fault = exception;
    else if (exception instanceof HttpException) {
      fault = new SoapFault(exception.getStatus() < 500 ? 'Client' : 'Server', exception.message);
    } else {
      this.logger.error(`Unexpected error: ${problemOf(exception)}`, stackFramesOf(exception));
      fault = new SoapFault('Server', 'Internal NoteReader error');
    }
    response.status(500).type('text/xml; charset=utf-8').send(faultEnvelope(fault));
  }
}
