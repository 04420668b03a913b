import { ForbiddenException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { describeExceptionFilters } from '../../../../test/support/exception-filter-suite';
import { FhirExceptionFilter } from '../http/fhir-exception.filter';
import { FhirRpcExceptionFilter } from '../messaging/fhir-rpc-exception.filter';
import { FhirError } from './fhir-error';

// Expected answers from FHIR R4 §3.1.0.1.2 (an OperationOutcome with the issue code of the status), by hand.
describeExceptionFilters({
  name: 'FHIR',
  filters: { http: FhirExceptionFilter, rpc: FhirRpcExceptionFilter },
  answers: (body: object) => ({ http: body, message: { outcome: body } }),
  internal: {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'exception', diagnostics: 'Internal gateway error' }],
  },
  httpExceptions: [
    ['ForbiddenException', new ForbiddenException('Forbidden'), 403, { issue: [{ code: 'security' }] }],
    ['PayloadTooLargeException', new PayloadTooLargeException('Too large'), 413, { issue: [{ code: 'too-costly' }] }],
    ['HttpException 429', new HttpException('Slow down', 429), 429, { issue: [{ code: 'throttled' }] }],
  ],
  ownError: {
    error: new FhirError(404, 'Patient/p1 not found'),
    status: 404,
    body: {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Patient/p1 not found' }],
    },
  },
});
